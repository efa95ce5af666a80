using System.Text;
using Torchwright.Runtime.Losses;
using Torchwright.Runtime.Text;
using static TorchSharp.torch;

namespace MyModel;

/// <summary>
/// Several-bytes-ahead prediction on embedded synthetic prose, with FTP's gamma-decayed loss: offset k weighs
/// <c>0.8^(k-1)</c>, so nearer bytes count more.
/// </summary>
public sealed class MyModelTask
{
    private const int BatchSize = 16;
    private readonly MyModelConfig config;
    private readonly ByteBatches windows;
    private readonly double[] weights;

    /// <summary>The sizes the training program and the tests use.</summary>
    public static MyModelConfig DefaultConfig { get; } = new();

    public MyModelTask(MyModelConfig config)
    {
        this.config = config;
        // Windows of Context + Future bytes: every position of the first Context has all its future targets.
        windows = new ByteBatches(Encoding.UTF8.GetBytes(SyntheticText.Generate(200_000)), config.Context + config.Future - 1);
        weights = MultiTokenCrossEntropy.DecayWeights(config.Future, 0.8);
    }

    public string Description => $"predicting the next {config.Future} bytes of embedded synthetic prose";

    /// <summary>Weighted cross-entropy over the next <c>Future</c> bytes of every position.</summary>
    public Tensor Loss(MyModel model, Random random)
    {
        var (inputs, targets) = windows.Sample(BatchSize, random);
        var sequence = cat(new[] { inputs.narrow(1, 0, 1), targets }, 1);
        var future = MultiTokenTargets.Following(sequence, config.Context, config.Future);
        var logits = model.forward(sequence.narrow(1, 0, config.Context));
        return MultiTokenCrossEntropy.Loss(logits, future, weights);
    }
}
