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
        manual_seed(11);
        var model = new ZettLanguageModel(new ZettLanguageModelConfig(Vocab: Original.Count, Context: 64, Dim: 16, Heads: 2, Layers: 1));
        var hypernetwork = new ZettHypernetwork(new ZettHypernetworkConfig(SourceDim: 32, TargetDim: 16, Hidden: 16, Intermediate: 32, Heads: 2, Layers: 1, MaxPieces: 4));
        model.eval();
        hypernetwork.eval();
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad = false;
        }
        return (model, hypernetwork);
    }
}
