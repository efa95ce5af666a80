using System.Text;
using Torchwright.Models.Hat;
using Torchwright.Runtime.Text;
using static TorchSharp.torch;

namespace MyModel;

/// <summary>Next-byte prediction on embedded synthetic prose, with HAT's word splitter giving the word inputs.</summary>
public sealed class MyModelTask
{
    private const int BatchSize = 16;
    private const int Length = 64;
    private readonly MyModelConfig config;
    private readonly HatBatches batches;

    /// <summary>The sizes the training program and the tests use.</summary>
    public static MyModelConfig DefaultConfig { get; } = new();

    public MyModelTask(MyModelConfig config)
    {
        this.config = config;
        batches = new HatBatches(Encoding.UTF8.GetBytes(SyntheticText.Generate(200_000)), Length, config.MaxWordBytes);
    }

    public string Description => "next-byte prediction over words on embedded synthetic prose";

    /// <summary>Mean cross-entropy of the next byte.</summary>
    public Tensor Loss(MyModel model, Random random)
    {
        var (inputs, targets) = batches.Sample(BatchSize, random);
        using (inputs)
        {
            var logits = model.forward(inputs.Bytes, inputs.ByteWords, inputs.WordGroups);
            return nn.functional.cross_entropy(logits.view(-1, config.Vocab), targets.view(-1));
        }
    }
}
