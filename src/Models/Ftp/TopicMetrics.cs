using System;
using System.Linq;
using Torchwright.Runtime.Data;
using Torchwright.Runtime.Losses;
using Torchwright.Runtime.Probes;
using static TorchSharp.torch;

namespace Torchwright.Models.Ftp;

/// <summary>
/// Held-out topic sequences for the FTP checks: <see cref="Tokens"/> <c>[S, T]</c>, each position's topic, and its
/// next N tokens (every one present: the windows hold T+N tokens). The first half of the sequences fits the topic
/// probes and the second half tests them, so no sequence is on both sides.
/// </summary>
public sealed class TopicMetrics : IDisposable
{
    private readonly TopicBatch batch;

    /// <summary>Draws the held-out sequences.</summary>
    /// <param name="data">The data source the models were trained on.</param>
    /// <param name="length">Positions T per sequence.</param>
    /// <param name="horizon">N, tokens ahead.</param>
    /// <param name="sequences">Number of sequences S, at least 2. Default 64.</param>
    /// <param name="seed">Seeds the sequences. Default 1001 (training batches come from other seeds).</param>
    public TopicMetrics(TopicSequences data, int length, int horizon, int sequences = 64, int seed = 1001)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (sequences < 2) throw new ArgumentOutOfRangeException(nameof(sequences), sequences, "At least two held-out sequences are needed (half fit the probe, half test it).");
        Classes = data.Options.Topics;
        batch = data.Sample(sequences, length + horizon, new Random(seed));
        Tokens = batch.Tokens.narrow(1, 0, length);
        Topics = batch.Topics.narrow(1, 0, length);
        Future = MultiTokenTargets.Following(batch.Tokens, length, horizon);
    }

    /// <summary>Token ids, <c>[S, T]</c>.</summary>
    public Tensor Tokens { get; }

    /// <summary>The topic of each position, <c>[S, T]</c>.</summary>
    public Tensor Topics { get; }

    /// <summary>The N tokens after each position, <c>[S, T, N]</c>.</summary>
    public Tensor Future { get; }

    /// <summary>Number of topics.</summary>
    public int Classes { get; }

    /// <summary>FTP's mean cross-entropy for the token k ahead, k = 1..N (teacher-forced decoder).</summary>
    /// <param name="model">The model.</param>
    public double[] Losses(FtpModel model)
    {
        using var noGrad = no_grad();
        using var logits = model.forward(Tokens, Future);
        return PerOffset(logits, Future);
    }

    /// <summary>The GPT baseline's next-token cross-entropy.</summary>
    /// <param name="model">The model.</param>
    public double Loss(GptBaseline model)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return PerOffset(model.forward(Tokens).unsqueeze(2), Future.narrow(2, 0, 1))[0];
    }

    /// <summary>The N-head baseline's cross-entropy for the token k ahead, k = 1..N.</summary>
    /// <param name="model">The model.</param>
    public double[] Losses(MultiHeadGptBaseline model)
    {
        using var noGrad = no_grad();
        using var logits = model.forward(Tokens);
        return PerOffset(logits, Future);
    }

    /// <summary>Mean cos(h_t, h_{t+1}) of top vectors <c>[S, T, D]</c> of these sequences.</summary>
    /// <param name="h">The top vectors.</param>
    public static double Smoothness(Tensor h) => AdjacentCosine.Mean(h);

    /// <summary>Held-out accuracy of a logistic-regression probe predicting each position's topic from its top vector.</summary>
    /// <param name="h">Top vectors of <see cref="Tokens"/>, <c>[S, T, D]</c>.</param>
    public double ProbeAccuracy(Tensor h)
    {
        ArgumentNullException.ThrowIfNull(h);
        using var scope = NewDisposeScope();
        long count = h.shape[0], half = count / 2, dims = h.shape[2];
        var trainX = h.narrow(0, 0, half).reshape(-1, dims);
        var trainY = Topics.narrow(0, 0, half).reshape(-1);
        var testX = h.narrow(0, half, count - half).reshape(-1, dims);
        var testY = Topics.narrow(0, half, count - half).reshape(-1);
        using var probe = LogisticProbe.Fit(trainX, trainY, Classes);
        return probe.Accuracy(testX, testY);
    }

    /// <summary>Accuracy of always guessing the most frequent topic of the probe's training half.</summary>
    public double ProbeChance()
    {
        using var scope = NewDisposeScope();
        long count = Topics.shape[0], half = count / 2;
        var mode = Topics.narrow(0, 0, half).reshape(-1).bincount(null).argmax().item<long>();
        return Topics.narrow(0, half, count - half).eq(mode).to(ScalarType.Float64).mean().item<double>();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Tokens.Dispose();
        Topics.Dispose();
        Future.Dispose();
        batch.Dispose();
    }

    private static double[] PerOffset(Tensor logits, Tensor targets)
    {
        using var perOffset = MultiTokenCrossEntropy.PerOffset(logits, targets);
        return perOffset.data<float>().ToArray().Select(v => (double)v).ToArray();
    }
}
