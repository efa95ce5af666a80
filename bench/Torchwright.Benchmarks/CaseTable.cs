using System.Collections.Generic;

namespace Torchwright.Benchmarks;

/// <summary>The comparisons of issue 3, with its targets. Adding a comparison is adding a line here.</summary>
public static class CaseTable
{
    public static IEnumerable<BenchCase> All()
    {
        foreach (var size in BenchSize.All)
        {
            foreach (var mode in new[] { BenchMode.Forward, BenchMode.TrainStep })
            {
                yield return new("generated vs hand-written", size, mode, "fp32", Contender.HandWrittenFp32, Contender.GeneratedFp32,
                    TargetRatio: VersusHandWritten(size, mode),
                    TargetRooflineFraction: size == BenchSize.Large && mode == BenchMode.Forward ? 0.9 : null);
                yield return new("generated vs built-in", size, mode, "fp32", Contender.BuiltInFp32, Contender.GeneratedFp32,
                    TargetRatio: 1.0); // never slower than TorchSharp's own layers
                yield return new("generated bf16 mixed vs fp32", size, mode, "bf16", Contender.GeneratedFp32, Contender.GeneratedBf16Mixed,
                    TargetRatio: Bf16VersusFp32(size, mode), MaxRelativeError: mode == BenchMode.Forward ? Bf16LogitsError : null);
            }
            if (size != BenchSize.Large)
            {
                // The session's gain shown apart: the same forward with no session, against the same baseline.
                yield return new("generated eager vs hand-written", size, BenchMode.Forward, "fp32", Contender.HandWrittenFp32, Contender.GeneratedFp32Eager);
            }
            yield return new("hand-written bf16 cast vs fp32", size, BenchMode.Forward, "bf16", Contender.HandWrittenFp32, Contender.HandWrittenBf16Cast);
            // Faster than the hand-written model simply cast, and more accurate.
            yield return new("generated bf16 mixed vs bf16 cast", size, BenchMode.Forward, "bf16", Contender.HandWrittenBf16Cast, Contender.GeneratedBf16Mixed,
                TargetRatio: 1.0, MoreAccurateThanBaseline: true);
        }
    }

    // Issue 3: ≥1.3x small forward, ≥1.15x medium forward, ≥2x large forward, ≥1.15x medium training step.
    private static double? VersusHandWritten(BenchSize size, BenchMode mode) => (size.Name, mode) switch
    {
        ("small", BenchMode.Forward) => 1.3,
        ("medium", BenchMode.Forward) => 1.15,
        ("large", BenchMode.Forward) => 2.0,
        ("medium", BenchMode.TrainStep) => 1.15,
        _ => null,
    };

    // Issue 3: bf16 mixed logits within a relative error of 2e-2 of fp32 on the same weights.
    private const double Bf16LogitsError = 2e-2;

    // Issue 3: bf16 mixed ≥2x generated fp32 on medium and large forward, ≥1.6x on the medium training step.
    private static double? Bf16VersusFp32(BenchSize size, BenchMode mode) => (size.Name, mode) switch
    {
        ("medium" or "large", BenchMode.Forward) => 2.0,
        ("medium", BenchMode.TrainStep) => 1.6,
        _ => null,
    };
}
