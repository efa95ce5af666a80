using System.Linq;
using Torchwright.Models.Zett;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Zett;

/// <summary>An untrained tiny base model and hypernetwork over GPT-2's first 44 merges, for contract tests that need no training.</summary>
internal static class UntrainedZett
{
    public static readonly BpeVocabulary Original = BpeVocabulary.FromRanks(TiktokenRanks.Gpt2(), Enumerable.Range(0, 300));

    /// <summary>Both networks in evaluation mode, the same weights on every call; the base model frozen.</summary>
    public static (ZettLanguageModel Model, ZettHypernetwork Hypernetwork) Create()
    {
        var model = new ZettLanguageModel(new ZettLanguageModelConfig(Vocab: Original.Count, Context: 64, Dim: 16, Heads: 2, Layers: 1));
        var hypernetwork = new ZettHypernetwork(new ZettHypernetworkConfig(SourceDim: 32, TargetDim: 16, Hidden: 16, Intermediate: 32, Heads: 2, Layers: 1, MaxPieces: 4));
        // Random weights are redrawn from a private generator: the constructors draw from torch's global one, which
        // parallel test classes re-seed and draw from too. Constant ones (norm gains, zero biases) need no seed.
        using (var generator = new Generator(11))
        using (NewDisposeScope())
        using (no_grad())
        {
            foreach (var parameter in model.parameters().Concat(hypernetwork.parameters()))
            {
                if (parameter.min().item<float>() == parameter.max().item<float>()) continue;
                parameter.copy_(randn(parameter.shape, generator: generator).mul_(1 / System.Math.Sqrt(parameter.shape[^1])));
            }
        }
        model.eval();
        hypernetwork.eval();
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad = false;
        }
        return (model, hypernetwork);
    }
}
