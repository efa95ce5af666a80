using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Models.Ftp;
using Torchwright.Runtime.Data;
using static TorchSharp.torch;

namespace Torchwright.Ftp.Benchmarks;

/// <summary>The tiny FTP model whose decoding is measured, trained as in the tests (topic data, 16×64 batches).</summary>
public static class DecodingModel
{
    public static (FtpModel Model, TopicSequences Data) Train(int steps)
    {
        var settings = new TopicTrainingOptions { Steps = steps };
        var (model, result) = TopicTraining.Ftp(new FtpConfig(), settings);
        Console.WriteLine($"decoding model: {steps} steps in {result.WallTime.TotalSeconds:F0} s, loss {result.FirstLoss:F3} -> {result.SmoothedFinalLoss:F3}");
        return (model, TopicTraining.Data(settings));
    }

    /// <summary>Acceptance over several prompts, so the rate is not one prompt's luck.</summary>
    public static AcceptanceReport Acceptance(FtpModel model, TopicSequences data, bool sampled, int prompts = 8)
    {
        int rounds = 0, proposed = 0, kept = 0, added = 0, calls = 0;
        using var generator = new Generator(11);
        for (var i = 0; i < prompts; i++)
        {
            var (prompt, _) = data.SampleSequence(16, new Random(100 + i));
            var result = FtpDecoding.Draft(model, prompt, DecodeBenchmarks.Tokens, sampled ? new DraftSampling(1.0, generator) : null);
            rounds += result.Rounds;
            proposed += result.Proposed;
            kept += result.Kept;
            added += result.Added;
            calls += result.EncoderCalls;
        }
        return new AcceptanceReport(prompts, (double)(kept - rounds) / (proposed - rounds), (double)added / calls, (double)added / rounds);
    }

    /// <summary>The first prompt of <see cref="Acceptance"/>, used by the timed runs.</summary>
    public static IReadOnlyList<long> Prompt(TopicSequences data) => data.SampleSequence(16, new Random(100)).Tokens.ToList();
}

/// <param name="Prompts">Prompts decoded.</param>
/// <param name="AcceptanceRate">Kept fraction of draft tokens 2..n.</param>
/// <param name="TokensPerEncoderCall">New tokens per encoder call (one-step decoding: 1).</param>
/// <param name="TokensPerRound">New tokens per draft-and-verify round.</param>
public sealed record AcceptanceReport(int Prompts, double AcceptanceRate, double TokensPerEncoderCall, double TokensPerRound);
