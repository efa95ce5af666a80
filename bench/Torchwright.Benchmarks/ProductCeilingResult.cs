using System.Collections.Generic;

namespace Torchwright.Benchmarks;

/// <summary>
/// One size's forward products alone against its whole forwards, all from the same rotating rounds
/// (<see cref="ProductCeiling"/>): how close to each roofline the products alone come (the share of the roofline
/// the whole forward would reach if nothing but these products took time), and for the bf16 mixed forward at its
/// target ratio over the fp32 one, what that leaves for everything that is not a product (<c>Bf16OtherMsAtTarget</c>;
/// negative when the bf16 products alone take longer) against what it takes now in each precision
/// (<c>Fp32OtherMs</c>, <c>Bf16OtherMs</c>: forward minus products, which also holds any cost of calling the products
/// in smaller pieces than here).
/// </summary>
public sealed record ProductCeilingResult(
    string Size,
    double Fp32ForwardMs,
    double Bf16ForwardMs,
    double Fp32ProductsMs,
    double Bf16ProductsMs,
    double ProductsBf16Speedup,
    double Fp32ProductsRooflineFraction,
    double Bf16ProductsRooflineFraction,
    double Fp32OtherMs,
    double Bf16OtherMs,
    double TargetRatio,
    double Bf16OtherMsAtTarget,
    int Rounds)
{
    public static ProductCeilingResult From(ProductTimes t, IReadOnlyDictionary<string, double> rooflines)
    {
        var flops = FlopCount.Of(t.Size, BenchMode.Forward);
        return new ProductCeilingResult(t.Size.Name, t.Fp32ForwardMs, t.Bf16ForwardMs, t.Fp32ProductsMs, t.Bf16ProductsMs,
            t.Fp32ProductsMs / t.Bf16ProductsMs,
            RooflineFraction(flops, t.Fp32ProductsMs, rooflines["fp32"]), RooflineFraction(flops, t.Bf16ProductsMs, rooflines["bf16"]),
            t.Fp32ForwardMs - t.Fp32ProductsMs, t.Bf16ForwardMs - t.Bf16ProductsMs,
            t.TargetRatio, t.Fp32ForwardMs / t.TargetRatio - t.Bf16ProductsMs, t.Rounds);
    }

    // The benchmark's counted FLOPs (the whole causal score matrix, of which 256-query blocks compute three quarters at
    // T = 512) over the products' time, as the cases count them.
    private static double RooflineFraction(double flops, double milliseconds, double rooflineGflops) =>
        flops / (milliseconds / 1e3) / 1e9 / rooflineGflops;
}
