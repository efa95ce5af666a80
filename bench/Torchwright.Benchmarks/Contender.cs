using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Torchwright.Baselines;
using Torchwright.Models.Gpt;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>
/// A model variant that the benchmark times. Every variant is built from the same seeded generated
/// <see cref="ByteGpt"/>, so all of them carry identical weights.
/// </summary>
/// <param name="Id">Stable name, used in the JSON (<c>baseline</c>, <c>candidate</c>).</param>
/// <param name="Precision"><c>fp32</c> or <c>bf16</c>: which roofline its GFLOP/s are compared with.</param>
/// <param name="Build">Turns the generated model into this variant (may return it unchanged).</param>
/// <param name="InferenceScope">Held open around forward-only runs, e.g. to cast weights once for inference.</param>
/// <param name="FrameworkOptimizer">Whether its training step uses the optimizer Torchwright's trainer runs
/// (<see cref="Torchwright.Runtime.Training.FlatAdamW"/>); the hand-written and built-in models use TorchSharp's AdamW,
/// as TorchSharp's own examples do.</param>
public sealed record Contender(string Id, string Precision, Func<ByteGpt, nn.Module<Tensor, Tensor>> Build,
    Func<nn.Module<Tensor, Tensor>, IDisposable>? InferenceScope = null, bool FrameworkOptimizer = false)
{
    /// <summary>The generated model as inference runs it: forward calls inside its inference session, which replays a
    /// capture plan per input shape (plans over 128 MB, the large size's, run eagerly).</summary>
    public static readonly Contender GeneratedFp32 = new("generated-fp32", "fp32", model => model,
        module => ((ByteGpt)module).InferenceSession(), FrameworkOptimizer: true);

    /// <summary>The generated model's forward with no session: every call runs the eager fused layers.</summary>
    public static readonly Contender GeneratedFp32Eager = new("generated-fp32-eager", "fp32", model => model, FrameworkOptimizer: true);
    public static readonly Contender HandWrittenFp32 = new("hand-written-fp32", "fp32", WeightTransfer.HandWrittenTwin);
    public static readonly Contender BuiltInFp32 = new("built-in-fp32", "fp32", WeightTransfer.BuiltInTwin);

    /// <summary>The naive way to bf16: the hand-written model with every parameter cast by <c>.to(bfloat16)</c>.</summary>
    public static readonly Contender HandWrittenBf16Cast = new("hand-written-bf16-cast", "bf16",
        model => WeightTransfer.HandWrittenTwin(model).to(ScalarType.BFloat16));

    /// <summary>The generated model's autocast-style bf16 policy, as inference runs it: forward calls inside its inference
    /// session, which replays a bf16 mixed capture plan per input shape (the large size's, over 128 MB, runs eagerly on
    /// the session's cached bf16 weight copies).</summary>
    public static readonly Contender GeneratedBf16Mixed = new("generated-bf16-mixed", "bf16",
        model =>
        {
            model.Precision = Torchwright.Precision.BFloat16Mixed;
            return model;
        },
        module => ((ByteGpt)module).InferenceSession(), FrameworkOptimizer: true);

    public static IReadOnlyList<Contender> All { get; } = new[] { GeneratedFp32, GeneratedFp32Eager, HandWrittenFp32, BuiltInFp32, HandWrittenBf16Cast, GeneratedBf16Mixed };

    public static Contender Get(string id) =>
        All.FirstOrDefault(c => c.Id == id) ?? throw new ArgumentException($"unknown contender '{id}'", nameof(id));
}
