using System.Collections.Generic;

namespace Torchwright.Benchmarks;

/// <summary>
/// One size's forward products alone (<see cref="ProductCeiling"/>) set against the forwards of the same run: how
/// close to each roofline the products alone come (the largest share the whole forward could reach with them), and
/// for bf16 mixed at twice the fp32 forward's speed, how many milliseconds that leaves for everything that is not a
/// product (<c>Bf16OtherMsAt2x</c>; negative when the bf16 products alone take longer) against what that work takes
/// in each precision now (<c>Fp32OtherMs</c>, <c>Bf16OtherMs</c>: forward median minus products).
/// </summary>
public sealed record ProductCeilingResult(
    string Size,
    double Fp32ProductsMs,
    double Bf16ProductsMs,
    double ProductsRatio,
    double Fp32ProductsRooflineFraction,
    double Bf16ProductsRooflineFraction,
    double? Fp32ForwardMs,
    double? Bf16ForwardMs,
    double? Fp32OtherMs,
    double? Bf16OtherMs,
    double? Bf16OtherMsAt2x,
    int Rounds,
    int CallsPerRound)
{
    public static ProductCeilingResult From(ProductTimes times, IReadOnlyDictionary<string, double> mediansMs, IReadOnlyDictionary<string, double> rooflines)
    {
        var size = BenchSize.Get(times.Size);
        var flops = FlopCount.Of(size, BenchMode.Forward);
        double? Median(Contender contender) =>
            mediansMs.TryGetValue(new MeasuredRun(contender, size, BenchMode.Forward).Key, out var ms) ? ms : null;
        var fp32Forward = Median(Contender.GeneratedFp32);
        var bf16Forward = Median(Contender.GeneratedBf16Mixed);
        return new ProductCeilingResult(times.Size, times.Fp32Ms, times.Bf16Ms, times.Fp32Ms / times.Bf16Ms,
            RooflineFraction(flops, times.Fp32Ms, rooflines["fp32"]), RooflineFraction(flops, times.Bf16Ms, rooflines["bf16"]),
            fp32Forward, bf16Forward, fp32Forward - times.Fp32Ms, bf16Forward - times.Bf16Ms, fp32Forward / 2 - times.Bf16Ms,
            times.Rounds, times.CallsPerRound);
    }

    // The benchmark's counted FLOPs (the whole causal score matrix) over the products' time, as the cases count them.
    private static double RooflineFraction(double flops, double milliseconds, double rooflineGflops) =>
        flops / (milliseconds / 1e3) / 1e9 / rooflineGflops;
}
