using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Spectre.Console;
using Torchwright.Models.Zett;
using static TorchSharp.torch;
using Torchwright.Samples;

namespace Torchwright.Samples.Zett;

/// <summary>
/// Trains the tiny base model on GPT-2's first 256 merges and freezes it, trains the ZeTT hypernetwork for it
/// (identity warm-up, then sampled tokenizers), and then switches the frozen model live to other tokenizers —
/// its own with predicted embeddings, GPT-2 with twice the merges (held out) and <c>cl100k_base</c> restricted to
/// the tokens of the evaluation text — printing tokens per byte and bits per byte before and after as a table (the
/// held-out tokenizer also after continued training of its rows), then dynamic tokenization at a fifth fewer
/// tokens, with the rows of the dynamic-tokenization hypernetwork, of the transfer hypernetwork, and fitted on training
/// text. Writes metrics, loss plots and a summary under artifacts/zett/.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        // --steps sets the hypernetwork's transfer steps; --quick also shortens the base model and the warm-up.
        if (!CommandLine.TryRead(() => SampleOptions.Parse(args, "Zett", quickSteps: 80, fullSteps: new ZettSettings().TransferSteps, defaultThreads: 1), out var options))
        {
            return 2;
        }
        var quick = options.Quick;
        var output = options.OutputDirectory;
        Directory.CreateDirectory(output);
        set_num_threads(options.Threads); // one by default: the fastest for these tiny sizes on a shared 2-core machine
        var settings = new ZettSettings { OutputDirectory = output, TransferSteps = options.Steps };
        if (quick)
        {
            settings = settings with { ModelSteps = 150, IdentitySteps = 60, DynamicSteps = 200 };
        }
        AnsiConsole.MarkupLine($"[bold]ZeTT[/]: base model on GPT-2's first {settings.OriginalMerges} merges, then a hypernetwork ({(quick ? "quick" : "full")} run)");
        using var zett = ZettExperiment.Run(settings, showProgress: true);

        var chunks = zett.EvaluationChunks(64);
        var bytes = chunks.Sum(c => System.Text.Encoding.UTF8.GetByteCount(c));
        var rows = new List<Row>();
        using (var original = VocabularyEmbeddings.Original(zett.Model))
        using (var predicted = zett.Predict(zett.Original))
        {
            rows.Add(Measure("GPT-2, 256 merges (original)", "own embeddings", zett.Original, original, zett, chunks, bytes));
            rows.Add(Measure("GPT-2, 256 merges (original)", "hypernetwork", zett.Original, predicted, zett, chunks, bytes));
            using var cosineIn = nn.functional.cosine_similarity(predicted.Input, original.Input, 1).mean();
            using var cosineOut = nn.functional.cosine_similarity(predicted.Output, original.Output, 1).mean();
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"identity: mean cos(Ê_in, E_in) {cosineIn.item<float>():F3}, mean cos(Ê_out, E_out) {cosineOut.item<float>():F3}"));
        }
        var heldOut = zett.Sampler.HeldOut();
        using (var predicted = zett.Predict(heldOut))
        {
            rows.Add(Measure("GPT-2, 512 merges (held out)", "hypernetwork", heldOut, predicted, zett, chunks, bytes));
        }
        // One cache of hypernetwork rows for both fits below (the held-out switch and dynamic tokenization).
        var cache = new EmbeddingCache(zett.Hypernetwork, zett.Model, zett.Original);
        var fitSteps = quick ? 100 : 1000;
        var (continued, _) = FittedTokenRows.Fit(zett.Model, heldOut, cache, zett.TrainingText,
            new RowFittingOptions { Steps = fitSteps, Merges = 0, ShowProgress = true });
        using (continued)
        using (var fitted = continued.Embeddings(heldOut))
        {
            rows.Add(Measure("GPT-2, 512 merges (held out)", $"+ {fitSteps} steps fitted", heldOut, fitted, zett, chunks, bytes));
        }
        using (var pieces = TokenPieces.Decompose(zett.Original, heldOut.Tokens, zett.Hypernetwork.Config.MaxPieces))
        using (var rows0 = VocabularyEmbeddings.MeanOfPieces(zett.Model, pieces))
        using (var mean = rows0 with { Priors = zett.Priors(heldOut) })
        {
            rows.Add(Measure("GPT-2, 512 merges (held out)", "mean of pieces", heldOut, mean, zett, chunks, bytes));
        }

        var cl100k = TiktokenTokenizer.CreateForModel("gpt-4");
        var restricted = RestrictedVocabulary.FromEncodings(TiktokenRanks.Cl100kBase(), chunks.Select(c => (IReadOnlyList<int>)cl100k.EncodeToIds(c)));
        // The prior text under cl100k, encoded once: each of the two rows below owns (and disposes) its own priors.
        var priorIds = settings.TokenPriors ? cl100k.EncodeToIds(zett.PriorText) : null;
        Tensor? RestrictedPriors() => priorIds is null ? null : restricted.Priors(priorIds, settings.PriorPseudoCounts);
        using (var rows0 = HypernetworkPrediction.Predict(zett.Hypernetwork, zett.Model, zett.Original, restricted.Tokens))
        using (var predicted = rows0 with { Priors = RestrictedPriors() })
        {
            rows.Add(MeasureRestricted("cl100k_base (restricted)", "hypernetwork", restricted, predicted, zett, bytes));
        }
        using (var pieces = TokenPieces.Decompose(zett.Original, restricted.Tokens, zett.Hypernetwork.Config.MaxPieces))
        using (var rows0 = VocabularyEmbeddings.MeanOfPieces(zett.Model, pieces))
        using (var mean = rows0 with { Priors = RestrictedPriors() })
        {
            rows.Add(MeasureRestricted("cl100k_base (restricted)", "mean of pieces", restricted, mean, zett, bytes));
        }

        var table = new Table().AddColumns("tokenizer", "embeddings", "vocabulary", "tokens/byte", "bits/byte", "vs original");
        foreach (var row in rows)
        {
            table.AddRow(row.Tokenizer, row.Embeddings, row.Vocabulary.ToString(CultureInfo.InvariantCulture),
                row.TokensPerByte.ToString("F4", CultureInfo.InvariantCulture), row.BitsPerByte.ToString("F4", CultureInfo.InvariantCulture),
                (row.BitsPerByte / rows[0].BitsPerByte).ToString("F3", CultureInfo.InvariantCulture) + "x");
        }
        AnsiConsole.Write(table);
        var dynamic = MeasureDynamic(zett, cache, chunks, zett.EvaluationChunks(128).Skip(64).ToList(), fitSteps: quick ? 200 : new RowFittingOptions().Steps);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"dynamic tokenization, m = {dynamic.Merges} merges per batch of {DynamicBatch}: {dynamic.Reduction:P1} fewer tokens, bits/byte {dynamic.Before:F4} -> {dynamic.After:F4} ({dynamic.After / dynamic.Before:F3}x) with the dynamic-tokenization hypernetwork's rows, "
            + $"{dynamic.AfterTransfer:F4} ({dynamic.AfterTransfer / dynamic.Before:F3}x) with the transfer hypernetwork's, {dynamic.AfterFitted:F4} ({dynamic.AfterFitted / dynamic.Before:F3}x) with rows fitted {dynamic.FitSteps} steps on training text"));
        var summary = Path.Combine(output, "summary.json");
        File.WriteAllText(summary, JsonSerializer.Serialize(new { quick, settings = settings with { OutputDirectory = null }, rows, dynamic }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(summary)}, metrics and loss plots under {Markup.Escape(output)}");
        return 0;
    }

    private static Row Measure(string tokenizer, string embeddings, BpeVocabulary vocabulary, VocabularyEmbeddings matrices, ZettExperiment zett, List<string> chunks, long bytes)
    {
        var tokens = chunks.Sum(c => vocabulary.Encode(c).Count);
        return new Row(tokenizer, embeddings, vocabulary.Count, (double)tokens / bytes, zett.BitsPerByte(vocabulary, matrices, chunks));
    }

    private static Row MeasureRestricted(string tokenizer, string embeddings, RestrictedVocabulary vocabulary, VocabularyEmbeddings matrices, ZettExperiment zett, long bytes)
    {
        var tokens = vocabulary.Sequences.Sum(s => s.Count - 1);
        using var batch = vocabulary.Batch(zett.Model.Config.Context);
        return new Row(tokenizer, embeddings, vocabulary.Tokens.Count, (double)tokens / bytes, LanguageModelScoring.BitsPerByte(zett.Model, matrices, batch));
    }

    private const int DynamicBatch = 16;

    // Dynamic tokenization at a fifth fewer tokens: m from a merges→length table measured on other chunks; the
    // rows from the dynamic-tokenization hypernetwork, from the transfer hypernetwork (its cache), and fitted on training
    // text from the transfer hypernetwork's (continued training).
    private static DynamicRow MeasureDynamic(ZettExperiment zett, EmbeddingCache cache, List<string> chunks, List<string> tableChunks, int fitSteps)
    {
        var merges = MergeTable.Measure(zett.Original, TextChunks.InBatches(tableChunks, DynamicBatch), 200).MergesFor(0.21);
        AnsiConsole.MarkupLine($"fitting the rows of merged vocabularies on training text, {fitSteps} steps");
        var (fitted, _) = FittedTokenRows.Fit(zett.Model, zett.Original, cache, zett.TrainingText,
            new RowFittingOptions { Steps = fitSteps, Merges = merges, ShowProgress = true });
        using (fitted)
        {
            var dynamicCache = new EmbeddingCache(zett.DynamicHypernetwork, zett.Model, zett.Original);
            var scores = TextChunks.InBatches(chunks, DynamicBatch).Select(batch => (Before: DynamicTokenization.Score(zett.Model, zett.Original, cache, batch, 0, OriginalTokenRows.Own),
                After: DynamicTokenization.Score(zett.Model, zett.Original, dynamicCache, batch, merges),
                Transfer: DynamicTokenization.Score(zett.Model, zett.Original, cache, batch, merges),
                Fitted: DynamicTokenization.Score(zett.Model, zett.Original, fitted, batch, merges))).ToList();
            return new DynamicRow(merges, 1 - (double)scores.Sum(s => s.After.TokensAfter) / scores.Sum(s => s.After.TokensBefore),
                scores.Average(s => s.Before.BitsPerByte), scores.Average(s => s.After.BitsPerByte), scores.Average(s => s.Transfer.BitsPerByte),
                fitSteps, scores.Average(s => s.Fitted.BitsPerByte));
        }
    }

    private sealed record DynamicRow(int Merges, double Reduction, double Before, double After, double AfterTransfer, int FitSteps, double AfterFitted);

    private sealed record Row(string Tokenizer, string Embeddings, int Vocabulary, double TokensPerByte, double BitsPerByte);
}
