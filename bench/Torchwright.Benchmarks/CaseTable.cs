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
                yield return new("generated bf16 mixed vs fp32", size, mode, "bf16", Contender.GeneratedFp32, Contender.GeneratedBf16Mixed);
            }
            if (size != BenchSize.Large)
            {
                // The session's gain shown apart: the same forward with no session, against the same baseline.
                yield return new("generated eager vs hand-written", size, BenchMode.Forward, "fp32", Contender.HandWrittenFp32, Contender.GeneratedFp32Eager);
            }
            yield return new("hand-written bf16 cast vs fp32", size, BenchMode.Forward, "bf16", Contender.HandWrittenFp32, Contender.HandWrittenBf16Cast);
            yield return new("generated bf16 mixed vs bf16 cast", size, BenchMode.Forward, "bf16", Contender.HandWrittenBf16Cast, Contender.GeneratedBf16Mixed);
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
}
