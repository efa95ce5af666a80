using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Torchwright.Models.Ftp;
using Torchwright.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Torchwright.Ftp.Benchmarks;

/// <summary>
/// One AdamW training step (forward, loss, backward, update) at B=8, T=256 of the GPT baseline and of FTP, both with
/// the encoder of the reference notes' tiny run (width 64) and FTP with its tiny decoder (1 layer, N=4, P=4). The
/// encoder is 12 layers deep as in GPT-2 small, the encoder the paper builds on (the judged case), and 4 as in that run
/// (reported): FTP's decoder is a fixed cost per position, so the ratio depends on how much encoder it is added to.
/// </summary>
public class TrainStepBenchmarks
{
    public const int Batch = 8;
    public const int Length = 256;
    public const int TinyDepth = 4;
    public const int Gpt2SmallDepth = 12;

    public static FtpConfig Config(int encoderLayers) => new(Context: Length, Layers: encoderLayers);

    private nn.Module? model;
    private Func<Tensor, Tensor>? loss;
    private optim.Optimizer? optimizer;
    private Tensor? window;

    public IEnumerable<string> Models => new[] { "gpt", "ftp" };

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    public IEnumerable<int> EncoderDepths => new[] { TinyDepth, Gpt2SmallDepth };

    [ParamsSource(nameof(EncoderDepths))]
    public int EncoderLayers { get; set; } = TinyDepth;

    /// <summary>The key of this case's median: model and encoder depth.</summary>
    public static string Key(string model, int encoderLayers) => $"{model}@{encoderLayers}";

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(3);
        (model, loss) = Model switch
        {
            "gpt" => Build(new GptBaseline(Config(EncoderLayers)), (GptBaseline m, Tensor w) => m.Loss(w, Length)),
            "ftp" => Build(new FtpModel(Config(EncoderLayers)), (FtpModel m, Tensor w) => m.Loss(w, Length)),
            _ => throw new ArgumentException($"unknown model '{Model}'"),
        };
        model.train();
        optimizer = optim.AdamW(model.parameters(), lr: 1e-3);
        using var batch = new TopicSequences(new TopicSequenceOptions(), 7).Sample(Batch, Length + 1, new Random(1));
        window = batch.Tokens.clone();
    }

    [Benchmark]
    public void Step()
    {
        using var scope = NewDisposeScope();
        optimizer!.zero_grad();
        loss!(window!).backward();
        optimizer.step();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        optimizer?.Dispose();
        window?.Dispose();
        model?.Dispose();
    }

    /// <summary>
    /// FTP's step time over the GPT baseline's at <paramref name="encoderLayers"/>, from <paramref name="rounds"/>
    /// alternating rounds in this process (see <see cref="Torchwright.Bench.PairedTiming"/>): a load change between
    /// BenchmarkDotNet's separate blocks cannot decide it.
    /// </summary>
    public static double PairedRatio(int encoderLayers, int rounds)
    {
        var gpt = new TrainStepBenchmarks { Model = "gpt", EncoderLayers = encoderLayers };
        var ftp = new TrainStepBenchmarks { Model = "ftp", EncoderLayers = encoderLayers };
        gpt.Setup();
        ftp.Setup();
        try
        {
            return 1 / Torchwright.Bench.PairedTiming.MedianRatio(gpt.Step, ftp.Step, rounds, calls: 1);
        }
        finally
        {
            gpt.Cleanup();
            ftp.Cleanup();
        }
    }

    private static (nn.Module, Func<Tensor, Tensor>) Build<T>(T built, Func<T, Tensor, Tensor> lossOf) where T : nn.Module =>
        (built, w => lossOf(built, w));
}
