namespace Torchwright.Benchmarks;

/// <summary>One measured thing: a contender at a size and mode. Several cases may share a run.</summary>
public sealed record MeasuredRun(Contender Contender, BenchSize Size, BenchMode Mode)
{
    /// <summary>The BenchmarkDotNet parameter value: plain text, so it also survives an out-of-process run.</summary>
    public string Key => $"{Contender.Id}|{Size.Name}|{Mode.Json()}";

    public static MeasuredRun Parse(string key)
    {
        var parts = key.Split('|');
        return new MeasuredRun(Contender.Get(parts[0]), BenchSize.Get(parts[1]), BenchModeNames.Parse(parts[2]));
    }
}
