using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Torchwright.Runtime.Blocks;
using Torchwright.Runtime.Capture;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Capture;

/// <summary>
/// A capture graph's replays on one thread: the limit holds on the replaying thread only and is undone after every
/// replay, even a failed one; the trial alternates replays, compares its first one-thread result with all threads'
/// and stays on all threads when they disagree or there is no result to compare; a cached decoding step replayed on
/// one thread gives what it gives on all.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ReplayThreadingTests
{
    private const int Threads = 2;

    [Fact]
    public void A_limit_holds_on_its_thread_only_and_is_undone()
    {
        using var _ = UseThreads(Threads);
        Assert.Equal(Threads, IntraOpThreads.Current);

        int inside, elsewhere = 0;
        using (IntraOpThreads.LimitTo(1))
        {
            inside = get_num_threads();
            // A thread starting its first operator meanwhile starts with the process's count, not the limit.
            var other = new Thread(() => elsewhere = get_num_threads());
            other.Start();
            other.Join();
        }

        Assert.Equal(1, inside);
        Assert.Equal(Threads, elsewhere);
        Assert.Equal(Threads, IntraOpThreads.Current);
    }

    [Fact]
    public void The_trial_alternates_compares_once_and_leaves_the_callers_threads_alone()
    {
        using var _ = UseThreads(Threads);
        var seen = new List<int>();
        using var graph = Doubling(seen, out var result);
        graph.CompareOneThreadOn(result, 1e-4);
        graph.ChooseThreading(ReplayThreading.Measuring);

        for (var i = 0; i < 13; i++)
        {
            graph.Run();
            Assert.Equal(Threads, IntraOpThreads.Current);
            Assert.Equal(4f, result[0].item<float>());
        }

        // Warm-up and a short replay on all threads; the first one-thread replay, then all threads again to compare;
        // then alternating until five a side.
        Assert.Equal(new[] { 2, 2, 1, 2, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1 }, seen);
        Assert.NotEqual(ReplayThreading.Measuring, graph.Threading);
    }

    [Fact]
    public void A_one_thread_result_that_disagrees_keeps_all_threads_and_their_result()
    {
        using var _ = UseThreads(Threads);
        using var graph = new CaptureGraph(CPU);
        var result = graph.Buffer(ScalarType.Float32, 4);
        graph.Add(() => result.fill_(IntraOpThreads.Current)); // a result that depends on the thread count
        graph.CompareOneThreadOn(result, 1e-4);
        graph.ChooseThreading(ReplayThreading.Measuring);

        graph.Run();
        graph.Run();
        graph.Run();

        Assert.Equal(ReplayThreading.AllThreads, graph.Threading);
        Assert.Equal(Threads, result[0].item<float>());
        graph.Run();
        Assert.Equal(Threads, result[0].item<float>());
    }

    [Fact]
    public void A_graph_with_no_result_to_compare_stays_on_all_threads()
    {
        using var threads = UseThreads(Threads);
        var seen = new List<int>();
        using var graph = Doubling(seen, out _);
        graph.ChooseThreading(ReplayThreading.Measuring);

        for (var i = 0; i < 12; i++)
        {
            graph.Run();
        }

        Assert.Equal(ReplayThreading.AllThreads, graph.Threading);
        Assert.All(seen, threads => Assert.Equal(Threads, threads));
    }

    [Fact]
    public void A_failing_replay_on_one_thread_still_restores_the_callers_threads()
    {
        using var _ = UseThreads(Threads);
        using var graph = new CaptureGraph(CPU);
        graph.Add(() => throw new InvalidOperationException("a step failed"));
        graph.ChooseThreading(ReplayThreading.OneThread);

        Assert.Throws<InvalidOperationException>(graph.Run);

        Assert.Equal(Threads, IntraOpThreads.Current);
    }

    [Fact]
    public void A_cached_decoding_step_on_one_thread_gives_what_it_gives_on_all()
    {
        using var _ = UseThreads(Threads);
        manual_seed(41);
        using var stack = new TransformerStack(2, new TransformerOptions { Dim = 64, Heads = 4, Causal = true, Rope = true });
        stack.eval();
        using var grad = no_grad();
        using var x = randn(new long[] { 1, 6, 64 }, generator: new Generator(42));
        using var allThreads = new CachedStepPlan(stack, 1, capacity: 8, CPU, "all threads");
        using var oneThread = new CachedStepPlan(stack, 1, capacity: 8, CPU, "one thread");
        allThreads.Graph.ChooseThreading(ReplayThreading.AllThreads);
        oneThread.Graph.ChooseThreading(ReplayThreading.OneThread);

        for (var t = 0; t < 6; t++)
        {
            using var step = x.narrow(1, t, 1);
            var expected = allThreads.Step(step);
            var actual = oneThread.Step(step);
            var difference = (expected - actual).abs().max().item<float>();
            Assert.True(difference <= 1e-6f, $"position {t}: one thread differs from all by {difference:G3}");
            Assert.Equal(Threads, IntraOpThreads.Current);
        }
    }

    // A graph whose step writes 2·x into its result and notes the threads it ran on.
    private static CaptureGraph Doubling(List<int> seen, out Tensor result)
    {
        var graph = new CaptureGraph(CPU);
        var x = graph.Buffer(ScalarType.Float32, 4);
        x.fill_(2);
        var y = graph.Buffer(ScalarType.Float32, 4);
        graph.Add(() =>
        {
            seen.Add(IntraOpThreads.Current);
            y.copy_(x).mul_(2);
        });
        result = y;
        return graph;
    }

    private static IDisposable UseThreads(int threads)
    {
        Assert.True(IntraOpThreads.Available, "this test runs where libtorch's OpenMP runtime is found (Linux x64)");
        return Torchwright.Tests.TorchThreads.Use(threads);
    }
}
