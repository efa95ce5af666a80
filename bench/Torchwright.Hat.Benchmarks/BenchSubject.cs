using System;
using System.Text;
using Torchwright.Models.Gpt;
using Torchwright.Models.Hat;
using Torchwright.Runtime.Text;
using static TorchSharp.torch;

namespace Torchwright.Hat.Benchmarks;

/// <summary>One model doing one kind of work per <see cref="Step"/>, on fixed data from the embedded corpus.</summary>
public abstract class BenchSubject : IDisposable
{
    private static readonly Lazy<byte[]> Corpus = new(() => Encoding.UTF8.GetBytes(SyntheticText.Generate(200_000, seed: 3)));

    /// <summary>The corpus every run reads: deterministic English-like prose.</summary>
    public static byte[] Text => Corpus.Value;

    /// <summary>Builds the subject for a run key such as <c>hat/train</c>.</summary>
    public static BenchSubject Create(string run)
    {
        var parts = run.Split('/');
        if (parts.Length != 2)
        {
            throw new ArgumentException($"A run is 'model/case', got '{run}'.", nameof(run));
        }
        manual_seed(1);
        return parts[0] switch
        {
            "hat" => new HatSubject(parts[1]),
            "gpt" => new GptSubject(parts[1]),
            _ => throw new ArgumentException($"Unknown model '{parts[0]}' in run '{run}' (hat or gpt).", nameof(run)),
        };
    }

    /// <summary>Does the work once.</summary>
    public abstract void Step();

    /// <summary>Releases the model and its optimiser.</summary>
    public abstract void Dispose();

    /// <summary>The fixed rows of a batch: <c>Batch</c> windows of <paramref name="length"/> + 1 bytes spread over the corpus.</summary>
    protected static byte[][] Rows(int length)
    {
        var rows = new byte[BenchSizes.Batch][];
        for (int i = 0; i < rows.Length; i++)
        {
            int start = (i + 1) * (Text.Length - length - 2) / (rows.Length + 1);
            rows[i] = Text.AsSpan(start, length + 1).ToArray();
        }
        return rows;
    }

    /// <summary>Next-byte targets of the rows, <c>[B, length]</c>.</summary>
    protected static Tensor Targets(byte[][] rows, int length)
    {
        var targets = new long[rows.Length * length];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int i = 0; i < length; i++)
            {
                targets[r * length + i] = rows[r][i + 1];
            }
        }
        return tensor(targets, new long[] { rows.Length, length });
    }

    /// <summary>Checks that a step's work was kept honest: a finite loss.</summary>
    protected static void CheckFinite(Tensor loss, string what)
    {
        var value = loss.item<float>();
        if (!float.IsFinite(value))
        {
            throw new InvalidOperationException($"{what}: the loss became {value}.");
        }
    }
}
