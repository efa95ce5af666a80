using System;
using System.Globalization;
using System.Linq;
using Torchwright.Models.MrT5;
using static TorchSharp.torch;

namespace Torchwright.MrT5.Benchmarks;

/// <summary>What is measured: the encoder after the gate, or a whole encode + decode, at one deletion rate.</summary>
public enum WorkloadKind
{
    /// <summary>Compaction, position bias by original positions, the upper encoder layers and the final norm.</summary>
    PostGate,

    /// <summary>The same layers with soft deletion: nothing removed, G added to the scores (no compaction, one shared position bias).</summary>
    PostGateSoft,

    /// <summary>The whole encoder (the gate decides) plus one teacher-forced decoder pass.</summary>
    EncodeDecode,
}

/// <summary>
/// One benchmark run: a small MrT5 (a quarter of the encoder before the gate, as in MrT5-small, at width 128) on two
/// 1024-byte inputs. For the encoder
/// after the gate, the gate values are set so that each row deletes exactly the given fraction of its tokens at random
/// places. End to end, the gate's bias is shifted so that the real gate deletes about that fraction.
/// </summary>
public sealed class DeletionWorkload : IDisposable
{
    public static readonly MrT5Config Config = new(Dim: 128, Heads: 4, FeedForward: 256, EncoderLayers: 4, DecoderLayers: 2, GateLayer: 1);
    public const int InputBytes = 1024;
    public const int Batch = 2;
    public const int DecoderLength = 256;

    private readonly MrT5Model model;
    private readonly Tensor input;
    private readonly Tensor decoderInput;
    private readonly Tensor hidden;
    private readonly Tensor gate;
    private readonly Tensor real;

    private DeletionWorkload(WorkloadKind kind, double rate)
    {
        Kind = kind;
        Rate = rate;
        model = new MrT5Model(Config);
        model.InitializeWeights(7);
        model.eval();
        using var _ = no_grad();
        var examples = VowelRemoval.Sample(new Random(5), Batch, InputBytes, InputBytes);
        var batch = Seq2SeqBatch.FromText(examples);
        input = batch.Input;
        decoderInput = batch.DecoderInput.narrow(1, 0, DecoderLength).contiguous();
        (hidden, var naturalGate) = model.encode_lower(input);
        if (kind != WorkloadKind.EncodeDecode)
        {
            gate = ExactGate(rate);
            naturalGate.Dispose();
        }
        else
        {
            CalibrateGate(naturalGate, rate);
            naturalGate.Dispose();
            gate = model.encode_lower(input).Gate;
        }
        real = input.ne(ByT5Bytes.Pad);
        var kept = gate.gt(Config.DeletionThreshold).logical_and(real);
        MeasuredRate = 1 - kept.sum().item<long>() / (double)real.sum().item<long>();
        EncoderLength = kept.sum(1).max().item<long>();
    }

    public WorkloadKind Kind { get; }

    /// <summary>The deletion rate asked for.</summary>
    public double Rate { get; }

    /// <summary>The fraction of real tokens the gate deletes.</summary>
    public double MeasuredRate { get; }

    /// <summary>The encoder length after hard deletion (the longest kept row).</summary>
    public long EncoderLength { get; }

    /// <summary>Run keys: <c>post_gate|0.5</c>.</summary>
    public string Key => Format(Kind, Rate);

    public static string Format(WorkloadKind kind, double rate) => $"{Name(kind)}|{rate.ToString("0.##", CultureInfo.InvariantCulture)}";

    public static string Name(WorkloadKind kind) => kind switch
    {
        WorkloadKind.PostGate => "post_gate",
        WorkloadKind.PostGateSoft => "post_gate_soft",
        _ => "encode_decode",
    };

    public static DeletionWorkload Create(string key)
    {
        var parts = key.Split('|');
        var kind = Enum.GetValues<WorkloadKind>().Single(k => Name(k) == parts[0]);
        return new DeletionWorkload(kind, double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>One measured call; every tensor it makes is released before it returns.</summary>
    public void Run()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (Kind == WorkloadKind.PostGate)
        {
            model.encode_after_gate(hidden, gate);
            return;
        }
        if (Kind == WorkloadKind.PostGateSoft)
        {
            model.encode_after_gate_soft(hidden, gate, real);
            return;
        }
        var (memory, padding, bias, _) = model.encode(input, hardDelete: true);
        model.decode(decoderInput, memory, padding, bias);
    }

    public void Dispose()
    {
        model.Dispose();
        input.Dispose();
        decoderInput.Dispose();
        hidden.Dispose();
        gate.Dispose();
        real.Dispose();
    }

    // G = k on exactly round(rate·n) randomly chosen real tokens of each row, 0 elsewhere (padding stays k).
    private Tensor ExactGate(double rate)
    {
        var random = new Random(9);
        var length = input.shape[1];
        var real = input.ne(ByT5Bytes.Pad).data<bool>().ToArray();
        var values = new float[real.Length];
        for (var b = 0; b < Batch; b++)
        {
            var positions = Enumerable.Range(0, (int)length).Where(t => real[b * length + t]).ToArray();
            var deleted = positions.OrderBy(_ => random.Next()).Take((int)Math.Round(rate * positions.Length)).ToHashSet();
            for (var t = 0; t < length; t++)
            {
                values[b * length + t] = !real[b * length + t] || deleted.Contains(t) ? (float)Config.GateScale : 0f;
            }
        }
        return tensor(values, new long[] { Batch, length });
    }

    // Shifts the gate's bias so that the given fraction of real tokens has a negative logit, i.e. G below k/2.
    private void CalibrateGate(Tensor naturalGate, double rate)
    {
        var p = (naturalGate / Config.GateScale).clamp(1e-6, 1 - 1e-6);
        var logits = (p.log() - (1 - p).log()).neg(); // G = k·σ(−z)  ⇒  z = −logit(G/k)
        var real = input.ne(ByT5Bytes.Pad);
        var sorted = logits.masked_select(real).sort().Values.data<float>().ToArray();
        double shift = rate <= 0
            ? 10 - sorted[0]
            : -(sorted[Math.Min(sorted.Length - 1, (int)Math.Round(rate * sorted.Length))] + sorted[Math.Max(0, (int)Math.Round(rate * sorted.Length) - 1)]) / 2;
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name == "delete_gate.feed_forward.bias")
            {
                parameter.add_(shift);
            }
        }
    }
}
