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
/// the tiny encoder of the reference notes (4 layers, width 64) and FTP with its tiny decoder (1 layer, N=4, P=4).
/// </summary>
public class TrainStepBenchmarks
{
    public const int Batch = 8;
    public const int Length = 256;

    public static readonly FtpConfig Config = new(Context: Length);

    private nn.Module? model;
    private Func<Tensor, Tensor>? loss;
    private optim.Optimizer? optimizer;
    private Tensor? window;

    public IEnumerable<string> Models => new[] { "gpt", "ftp" };

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(3);
        (model, loss) = Model switch
        {
            "gpt" => Build(new GptBaseline(Config), (GptBaseline m, Tensor w) => m.Loss(w, Length)),
            "ftp" => Build(new FtpModel(Config), (FtpModel m, Tensor w) => m.Loss(w, Length)),
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

    private static (nn.Module, Func<Tensor, Tensor>) Build<T>(T built, Func<T, Tensor, Tensor> lossOf) where T : nn.Module =>
        (built, w => lossOf(built, w));
}
