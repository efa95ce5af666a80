using System.Text;
using Torchwright.Runtime.Text;
using static TorchSharp.torch;

namespace MyModel;

/// <summary>
/// Which bytes can go: every vowel except one that starts a word. Whether a vowel goes depends on the byte before
/// it, so the encoder has to use context, as MrT5's gate does when it learns what a task can drop.
/// </summary>
public sealed class MyModelTask
{
    private const int BatchSize = 16;
    private readonly MyModelConfig config;
    private readonly ByteBatches windows;

    /// <summary>The sizes the training program and the tests use.</summary>
    public static MyModelConfig DefaultConfig { get; } = new();

    public MyModelTask(MyModelConfig config)
    {
        this.config = config;
        windows = new ByteBatches(Encoding.UTF8.GetBytes(SyntheticText.Generate(200_000)), config.Context);
    }

    public string Description => "learning which bytes to delete (vowels, except at the start of a word) on embedded synthetic prose";

    /// <summary>Binary cross-entropy of the deletion logits against the rule.</summary>
    public Tensor Loss(MyModel model, Random random)
    {
        var (inputs, targets) = windows.Sample(BatchSize, random);
        // Score the targets (the windows shifted by one): their first byte's predecessor is inputs[:, 0].
        var deletable = Deletable(inputs.narrow(1, 0, 1), targets);
        var logits = model.forward(targets).squeeze(-1);
        return nn.functional.binary_cross_entropy_with_logits(logits, deletable);
    }

    /// <summary>1 where a byte is a vowel that does not follow a space or a newline, else 0; <c>[B, T]</c> float.</summary>
    public static Tensor Deletable(Tensor before, Tensor bytes)
    {
        var vowel = zeros_like(bytes, dtype: ScalarType.Bool);
        foreach (var c in "aeiouAEIOU")
            vowel = vowel.logical_or(bytes.eq(c));
        var previous = cat(new[] { before, bytes.narrow(1, 0, bytes.shape[1] - 1) }, 1);
        var startsWord = previous.eq(' ').logical_or(previous.eq('\n'));
        return vowel.logical_and(startsWord.logical_not()).to_type(ScalarType.Float32);
    }
}
