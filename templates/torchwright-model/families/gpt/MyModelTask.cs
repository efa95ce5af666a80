using System.Text;
using Torchwright.Runtime.Text;
using static TorchSharp.torch;

namespace MyModel;

/// <summary>Next-byte prediction on embedded synthetic prose: no download, the same text on every machine.</summary>
public sealed class MyModelTask
{
    private const int BatchSize = 16;
    private readonly MyModelConfig config;
    private readonly ByteBatches batches;

    /// <summary>The sizes the training program and the tests use.</summary>
    public static MyModelConfig DefaultConfig { get; } = new();

    public MyModelTask(MyModelConfig config)
    {
        this.config = config;
        batches = new ByteBatches(Encoding.UTF8.GetBytes(SyntheticText.Generate(200_000)), config.Context);
    }

    public string Description => "next-byte prediction on embedded synthetic prose";

    /// <summary>Mean cross-entropy of the next byte over a batch of random windows.</summary>
    public Tensor Loss(MyModel model, Random random)
    {
        var (inputs, targets) = batches.Sample(BatchSize, random);
        var logits = model.forward(inputs);
        return nn.functional.cross_entropy(logits.view(-1, config.Vocab), targets.view(-1));
    }
}
