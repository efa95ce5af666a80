using System;
using System.Collections.Generic;
using Torchwright.Bench;
using Torchwright.Models.Hat;
using Torchwright.Models.MrT5;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Caching;
using Torchwright.Runtime.Capture;
using static TorchSharp.torch;

namespace Torchwright.Capture.Benchmarks;

/// <summary>A data-dependent model's eager path against its plans, timed in alternating rounds.</summary>
/// <param name="Name">What is timed.</param>
/// <param name="PairedRatio">Median eager time / plan time over the rounds.</param>
/// <param name="EagerTensorsPerCall">Tensors the eager call creates.</param>
/// <param name="PlanTensorsPerCall">Tensors the plan call creates (eager glue included).</param>
public sealed record DataDependentResult(string Name, double PairedRatio, double EagerTensorsPerCall, double PlanTensorsPerCall);

/// <summary>
/// The plans for data-dependent shapes, measured like the ByteGpt cases' paired figure: HAT's byte decoder step (one
/// position after 64, with its norm and head) through a <see cref="CachedStepPlan"/> against the eager cached step,
/// and MrT5's hard-deleting encoder (B=4, T=128, about half the tokens deleted) through <see cref="MrT5EncoderPlans"/>
/// against the eager encoder.
/// </summary>
public static class DataDependentCases
{
    public static IReadOnlyList<DataDependentResult> Measure(bool quick)
    {
        using var _ = no_grad();
        var rounds = quick ? 15 : 41;
        return new[] { HatDecoderStep(rounds), MrT5Encoder(rounds) };
    }

    private static DataDependentResult HatDecoderStep(int rounds)
    {
        manual_seed(11);
        using var model = new HatModel(new HatConfig());
        model.eval();
        const int past = 64;
        var width = model.Config.EncoderDim;
        using var prefix = randn(1, past, width);
        using var zero = zeros(1, past, width);
        using var x = randn(1, 1, width);
        using var none = zeros(1, 1, width);
        using var position = tensor(new long[] { past });
        using var cache = new TransformerCache(model.Config.DecoderLayers);
        using (var positions = arange(past))
        {
            model.decode_step(prefix, zero, positions, cache).Dispose();
        }
        using var plans = new HatStepPlans(model, bytes: 128, words: 16);
        var decoder = plans.Plans[2];
        for (var i = 0; i < past; i++)
        {
            using var row = prefix.narrow(1, i, 1);
            decoder.Step(row);
        }
        void Eager()
        {
            model.decode_step(x, none, position, cache).Dispose();
            cache.Truncate(past);
        }
        void Plan()
        {
            decoder.Step(x);
            decoder.Truncate(past);
        }
        return new DataDependentResult("HAT decoder step (1 position after 64, norm and head)",
            PairedTiming.MedianRatio(Eager, Plan, rounds, 20), TensorsPerCall(Eager), TensorsPerCall(Plan));
    }

    private static DataDependentResult MrT5Encoder(int rounds)
    {
        using var model = new MrT5Model(new MrT5Config());
        model.InitializeWeights(13);
        model.eval();
        // Half the gate's logits above zero: the bias at their median deletes about half of the tokens.
        using var ids = randint(3, 259, new long[] { 4, 128 }, dtype: ScalarType.Int64, generator: new Generator(14));
        var gate = RegisteredModules.Get<DeleteGate>(model, "delete_gate");
        var bias = RegisteredModules.Get<Linear>(gate, "feed_forward").bias!;
        bias.zero_();
        var (hidden, _) = model.EncodeLower(ids);
        using (hidden)
        using (var logits = gate.Forward(hidden))
        {
            bias.fill_(-logits.median().item<float>());
        }
        using var plans = MrT5EncoderPlans.Capture(model, ids, new long[] { 32, 64, 96, 128 });
        void Eager()
        {
            var (memory, padding, noBias, gateValues) = model.Encode(ids, hardDelete: true);
            memory.Dispose();
            padding.Dispose();
            noBias.Dispose();
            gateValues.Dispose();
        }
        void Plan() => plans.Replay(ids);
        var kept = plans.Replay(ids).KeptLength;
        return new DataDependentResult($"MrT5 encoder with hard deletion (B=4, T=128, T'={kept})",
            PairedTiming.MedianRatio(Eager, Plan, rounds, 1), TensorsPerCall(Eager), TensorsPerCall(Plan));
    }

    private static double TensorsPerCall(Action call) => TensorsCreated.PerCall(call, calls: 10);
}
