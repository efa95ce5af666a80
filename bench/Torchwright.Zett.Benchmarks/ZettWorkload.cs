using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Models.Zett;
using Torchwright.Runtime.Text;
using static TorchSharp.torch;

namespace Torchwright.Zett.Benchmarks;

/// <summary>
/// One measured operation on untrained networks of the tiny sizes (weights do not change the cost):
/// predicting a 32k-token vocabulary, switching the model to GPT-2's first 32k tokens end to end, or one
/// scoring pass of the frozen model over a batch, with the original tokenization or with dynamic merges.
/// </summary>
public sealed class ZettWorkload : IDisposable
{
    /// <summary>Tokens in the large vocabulary.</summary>
    public const int LargeVocabulary = 32_768;

    /// <summary>Chunks per scoring batch.</summary>
    public const int Batch = 16;

    /// <summary>Characters per chunk.</summary>
    public const int ChunkLength = 160;

    /// <summary>Wanted sequence reduction for dynamic tokenization.</summary>
    public const double TargetReduction = 0.2;

    private static readonly Lazy<Shared> Setup = new(() => new Shared());
    private readonly Action run;

    private ZettWorkload(Action run) => this.run = run;

    /// <summary>Keys of the workloads.</summary>
    public static readonly string[] Keys =
    {
        "mean_of_pieces_32k", "hypernetwork_32k", "switch_mean_32k", "switch_hypernetwork_32k", "score_original", "score_dynamic",
    };

    /// <summary>Builds the workload named <paramref name="key"/>.</summary>
    /// <param name="key">One of <see cref="Keys"/>.</param>
    public static ZettWorkload Create(string key)
    {
        var s = Setup.Value;
        return key switch
        {
            "mean_of_pieces_32k" => new ZettWorkload(() => { using var e = VocabularyEmbeddings.MeanOfPieces(s.Model, s.LargePieces); }),
            "hypernetwork_32k" => new ZettWorkload(() => { using var e = HypernetworkPrediction.Predict(s.Hypernetwork, s.Model, s.Original, s.LargeTokens); }),
            "switch_mean_32k" => new ZettWorkload(() =>
            {
                var vocabulary = BpeVocabulary.FromRanks(s.Ranks, Enumerable.Range(0, LargeVocabulary - 1));
                var original = BpeVocabulary.FromRanks(s.Ranks, Enumerable.Range(0, s.Original.Count - 1));
                using var pieces = TokenPieces.Decompose(original, vocabulary.Tokens, s.Hypernetwork.Config.MaxPieces);
                using var e = VocabularyEmbeddings.MeanOfPieces(s.Model, pieces);
            }),
            "switch_hypernetwork_32k" => new ZettWorkload(() =>
            {
                var vocabulary = BpeVocabulary.FromRanks(s.Ranks, Enumerable.Range(0, LargeVocabulary - 1));
                var original = BpeVocabulary.FromRanks(s.Ranks, Enumerable.Range(0, s.Original.Count - 1));
                using var e = HypernetworkPrediction.Predict(s.Hypernetwork, s.Model, original, vocabulary.Tokens);
            }),
            "score_original" => new ZettWorkload(() => DynamicTokenization.Score(s.Model, s.Original, s.Cache, s.Texts, 0, OriginalTokenRows.Own)),
            "score_dynamic" => new ZettWorkload(() => DynamicTokenization.Score(s.Model, s.Original, s.Cache, s.Texts, s.Merges)),
            _ => throw new ArgumentException($"unknown workload '{key}'", nameof(key)),
        };
    }

    /// <summary>The merges dynamic tokenization applies, and the reduction the table expects.</summary>
    public static (int Merges, double Expected, double Measured) DynamicFacts()
    {
        var s = Setup.Value;
        var score = DynamicTokenization.Score(s.Model, s.Original, s.Cache, s.Texts, s.Merges);
        return (s.Merges, s.Table.Reduction(s.Merges), score.Reduction);
    }

    /// <summary>Runs the operation once.</summary>
    public void Run() => run();

    /// <summary>Nothing to release per workload; the shared networks live for the process.</summary>
    public void Dispose()
    {
    }

    private sealed class Shared
    {
        public Shared()
        {
            manual_seed(5);
            Ranks = TiktokenRanks.Gpt2();
            Original = BpeVocabulary.FromRanks(Ranks, Enumerable.Range(0, 512));
            var settings = new ZettSettings();
            Model = new ZettLanguageModel(settings.Model with { Vocab = Original.Count, Context = 128 });
            Model.eval();
            Hypernetwork = new ZettHypernetwork(settings.Hypernetwork with { SourceDim = 2 * Model.Config.Dim, TargetDim = Model.Config.Dim });
            Hypernetwork.eval();
            LargeTokens = BpeVocabulary.FromRanks(Ranks, Enumerable.Range(0, LargeVocabulary - 1)).Tokens;
            LargePieces = TokenPieces.Decompose(Original, LargeTokens, Hypernetwork.Config.MaxPieces);
            var text = SyntheticText.Generate(60_000, 99);
            var chunks = TextChunks.Consecutive(text, Batch * 9, ChunkLength);
            Texts = chunks.Take(Batch).ToList();
            Table = MergeTable.Measure(Original, TextChunks.InBatches(chunks.Skip(Batch), Batch), 200);
            Merges = Table.MergesFor(TargetReduction + 0.01); // one point of margin: a batch scatters about the table's mean
            Cache = new EmbeddingCache(Hypernetwork, Model, Original);
        }

        public IReadOnlyList<byte[]> Ranks { get; }
        public BpeVocabulary Original { get; }
        public ZettLanguageModel Model { get; }
        public ZettHypernetwork Hypernetwork { get; }
        public IReadOnlyList<byte[]> LargeTokens { get; }
        public TokenPieces LargePieces { get; }
        public List<string> Texts { get; }
        public MergeTable Table { get; }
        public int Merges { get; }
        public EmbeddingCache Cache { get; }
    }
}
