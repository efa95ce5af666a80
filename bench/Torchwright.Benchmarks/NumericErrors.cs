using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Benchmarks;

/// <summary>Error of one contender's logits against the fp32 logits of the generated model, on the same weights and bytes.</summary>
public sealed record NumericError(double MaxAbs, double Relative);

public static class NumericErrors
{
    /// <summary>Rows of the batch compared: enough for stable statistics, few enough to keep a large forward cheap.</summary>
    public const int Rows = 2;

    /// <summary>Max |Δ| and ‖Δ‖₂/‖fp32‖₂ for every contender of every size that the cases use.</summary>
    public static Dictionary<(string Contender, string Size), NumericError> Measure(IEnumerable<BenchCase> cases)
    {
        var result = new Dictionary<(string, string), NumericError>();
        using var _ = no_grad();
        foreach (var group in cases.GroupBy(c => c.Size))
        {
            var size = group.Key;
            var contenders = group.SelectMany(c => new[] { c.Baseline, c.Candidate }).Distinct().ToList();
            var (allIds, allTargets) = BenchModel.Inputs(size);
            using (allTargets)
            using (allIds)
            using (var ids = allIds.narrow(0, 0, System.Math.Min(Rows, size.Batch)))
            using (var reference = Logits(Contender.GeneratedFp32, size, ids))
            using (var referenceNorm = reference.norm())
            {
                foreach (var contender in contenders)
                {
                    using var logits = Logits(contender, size, ids);
                    using var delta = logits - reference;
                    using var maxAbs = delta.abs().max();
                    using var deltaNorm = delta.norm();
                    result[(contender.Id, size.Name)] = new NumericError(maxAbs.item<float>(), deltaNorm.item<float>() / referenceNorm.item<float>());
                }
            }
        }
        return result;
    }

    private static Tensor Logits(Contender contender, BenchSize size, Tensor ids)
    {
        using var source = BenchModel.Generated(size);
        var module = contender.Build(source);
        try
        {
            module.eval();
            using var session = contender.InferenceScope?.Invoke(module);
            if (session is not null)
            {
                using var first = module.call(ids); // a session replays a shape from its second call
            }
            using var logits = module.call(ids);
            return logits.to(ScalarType.Float32);
        }
        finally
        {
            if (!ReferenceEquals(module, source))
            {
                module.Dispose();
            }
        }
    }
}
