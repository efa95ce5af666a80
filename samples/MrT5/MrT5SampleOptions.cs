namespace Torchwright.Samples.MrT5;

/// <summary>The sample's command line: the shared options (<see cref="SampleOptions"/>) plus <c>--target D</c>, the
/// deletion rate to steer toward (default 0.4), and <c>--seed S</c> (default 1234).</summary>
/// <param name="Shared">--quick, --steps, --threads, --out.</param>
/// <param name="Target">Target deletion rate.</param>
/// <param name="Seed">Seed of the weights and the data.</param>
internal sealed record MrT5SampleOptions(SampleOptions Shared, double Target, long Seed)
{
    public bool Quick => Shared.Quick;

    public int Steps => Shared.Steps;

    public int Threads => Shared.Threads;

    public string OutputDirectory => Shared.OutputDirectory;

    public static MrT5SampleOptions Parse(string[] args)
    {
        var shared = SampleOptions.Parse(args, "MrT5", quickSteps: 200, fullSteps: 400, numberOptions: new[] { "--target", "--seed" });
        return new MrT5SampleOptions(shared, shared.Number("--target", 0.4), (long)shared.Number("--seed", 1234));
    }
}
