using System;
using System.Text;
using Torchwright.Models.Hat;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Hat;

/// <summary>Item 1: the logit at byte t depends on bytes ≤ t only, whatever happens after t — in t's own word or in later words.</summary>
[Collection(HatCollection.Name)]
public class HatCausalityTests(ITestOutputHelper output)
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";

    [Fact]
    public void Changing_bytes_after_t_leaves_logits_up_to_t_unchanged()
    {
        using var threads = HatTestModels.OneThread();
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 21);
        var text = Encoding.UTF8.GetBytes(ZipfCorpus.Generate(4_000, seed: 3)).AsSpan(1_000, 80).ToArray();
        var random = new Random(5);
        using var _ = no_grad();
        using var original = HatInputs.FromRows(new[] { text }, model.Config.MaxWordBytes);
        using var reference = original.LogitsOf(model);

        double worst = 0;
        for (int t = 0; t < text.Length - 1; t++)
        {
            // Same word: rewrite the rest of t's word and end it right after t; later words: rewrite everything after t.
            worst = Math.Max(worst, LargestChange(model, reference, RewriteRestOfWord(text, t, random), t));
            worst = Math.Max(worst, LargestChange(model, reference, RewriteEverythingAfter(text, t, random), t));
        }
        output.WriteLine($"largest |Δ logit| at positions ≤ t over {2 * (text.Length - 1)} edits: {worst:G3}");
        Assert.True(worst < 1e-5, $"logits at positions ≤ t changed by {worst:G3} when only later bytes changed");
    }

    [Fact]
    public void Changing_an_early_byte_does_change_later_logits()
    {
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 22);
        var text = Encoding.UTF8.GetBytes(ZipfCorpus.Generate(400, seed: 4))[..64];
        var edited = (byte[])text.Clone();
        edited[2] = (byte)(edited[2] == (byte)'q' ? 'z' : 'q');
        using var _ = no_grad();
        using var a = HatInputs.FromRows(new[] { text }, model.Config.MaxWordBytes);
        using var b = HatInputs.FromRows(new[] { edited }, model.Config.MaxWordBytes);
        using var difference = (a.LogitsOf(model)[0, -1] - b.LogitsOf(model)[0, -1]).abs().max();
        Assert.True(difference.item<float>() > 1e-4, "the last logit ignores an early byte: the test could not detect leaks");
    }

    private static double LargestChange(HatModel model, Tensor reference, byte[] edited, int t)
    {
        using var scope = NewDisposeScope();
        using var inputs = HatInputs.FromRows(new[] { edited }, model.Config.MaxWordBytes);
        var logits = inputs.LogitsOf(model);
        return (logits.narrow(1, 0, t + 1) - reference.narrow(1, 0, t + 1)).abs().max().item<float>();
    }

    private static byte[] RewriteRestOfWord(byte[] text, int t, Random random)
    {
        var edited = (byte[])text.Clone();
        int i = t + 1;
        if (i < edited.Length)
        {
            edited[i++] = (byte)' ';
        }
        for (; i < edited.Length && edited[i] != ' '; i++)
        {
            edited[i] = (byte)Letters[random.Next(Letters.Length)];
        }
        return edited;
    }

    private static byte[] RewriteEverythingAfter(byte[] text, int t, Random random)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz   ,.\nABC";
        var edited = (byte[])text.Clone();
        for (int i = t + 1; i < edited.Length; i++)
        {
            edited[i] = (byte)alphabet[random.Next(alphabet.Length)];
        }
        return edited;
    }
}
