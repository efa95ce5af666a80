namespace Torchwright.Benchmarks;

/// <summary>One measured thing: a contender at a size and mode. Several cases may share a run.</summary>
public sealed record BenchRun(Contender Contender, BenchSize Size, BenchMode Mode)
{
    /// <summary>The BenchmarkDotNet parameter value: plain text, so it also survives an out-of-process run.</summary>
    public string Key => $"{Contender.Id}|{Size.Name}|{Mode.Json()}";

    public static BenchRun Parse(string key)
    {
        var parts = key.Split('|');
        return new BenchRun(Contender.Get(parts[0]), BenchSize.Get(parts[1]), BenchModeNames.Parse(parts[2]));
    }
}
