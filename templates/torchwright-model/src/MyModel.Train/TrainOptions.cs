namespace MyModel.Train;

/// <summary>Command-line options: <c>--steps N</c>, <c>--quick</c> (40 steps), <c>--output DIR</c>.</summary>
internal sealed record TrainOptions(int Steps, string OutputDirectory)
{
    public static TrainOptions Parse(string[] args)
    {
        var steps = 300;
        var output = Path.Combine("artifacts", "MyModel");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    steps = 40;
                    break;
                case "--steps" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    steps = n;
                    i++;
                    break;
                case "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown or incomplete option '{args[i]}'. Use --steps N (N > 0), --quick or --output DIR.");
            }
        }
        return new TrainOptions(steps, output);
    }
}
