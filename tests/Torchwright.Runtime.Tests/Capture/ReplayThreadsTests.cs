using System.Collections.Generic;
using System.Text;
using Torchwright.Runtime.Capture;
using Xunit;

namespace Torchwright.Runtime.Tests.Capture;

/// <summary>
/// The thread trial of a capture graph's replays, fed with made-up replay times: after an untimed warm-up and a short
/// replay on all threads the replays alternate between one thread and all, the first on one thread untimed, and after
/// five timed replays a side one thread is kept if its median is at most nine tenths of all threads'. A long replay, a disagreeing result or a caller on one thread end or skip it.
/// </summary>
public class ReplayThreadsTests
{
    private const int Caller = 2;

    [Fact]
    public void One_thread_is_kept_when_its_replays_take_at_most_nine_tenths_of_all_threads()
    {
        var threads = new ReplayThreads(ReplayThreading.Measuring);

        var placed = RunTrial(threads, allThreads: 1.0, oneThread: 0.9);

        // Warm-up, a short replay on all threads, the untimed first on one, then alternating until five a side.
        Assert.Equal("aa1a1a1a1a1a1", placed);
        Assert.Equal(ReplayThreading.OneThread, threads.Threading);
        Assert.True(threads.NextOnOneThread(Caller));
        Assert.False(threads.NextOnOneThread(1));
    }

    [Fact]
    public void All_threads_are_kept_when_one_thread_saves_less()
    {
        var threads = new ReplayThreads(ReplayThreading.Measuring);

        RunTrial(threads, allThreads: 1.0, oneThread: 0.91);

        Assert.Equal(ReplayThreading.AllThreads, threads.Threading);
        Assert.False(threads.NextOnOneThread(Caller));
    }

    [Fact]
    public void The_decision_follows_the_medians_not_one_fast_replay()
    {
        var threads = new ReplayThreads(ReplayThreading.Measuring);
        // One-thread replays: 0.1 once, 2.0 otherwise (the first, untimed, 5); all threads 1.0.
        var oneThread = new Queue<double>(new[] { 5, 0.1, 2, 2, 2, 2 });
        while (threads.Threading == ReplayThreading.Measuring)
        {
            var onOne = threads.NextOnOneThread(Caller);
            threads.Record(Caller, onOne, onOne ? oneThread.Dequeue() : 1.0);
        }

        Assert.Empty(oneThread);
        Assert.Equal(ReplayThreading.AllThreads, threads.Threading);
    }

    [Fact]
    public void A_long_replay_on_all_threads_ends_the_trial_before_one_thread_is_tried()
    {
        var threads = new ReplayThreads(ReplayThreading.Measuring);

        // The warm-up may be slow (kernels made on first use) without ending anything; the next replay decides.
        threads.Record(Caller, onOneThread: false, 100);
        Assert.Equal(ReplayThreading.Measuring, threads.Threading);
        Assert.False(threads.NextOnOneThread(Caller));
        threads.Record(Caller, onOneThread: false, ReplayThreads.LongReplayMilliseconds + 1);

        Assert.Equal(ReplayThreading.AllThreads, threads.Threading);
        Assert.False(threads.NextOnOneThread(Caller));
    }

    [Fact]
    public void A_caller_on_one_thread_is_neither_placed_nor_timed()
    {
        var threads = new ReplayThreads(ReplayThreading.Measuring);

        for (var i = 0; i < 20; i++)
        {
            Assert.False(threads.NextOnOneThread(1));
            threads.Record(1, onOneThread: false, i == 0 ? 100 : 1.0);
        }

        Assert.Equal(ReplayThreading.Measuring, threads.Threading);
        Assert.False(threads.NextIsFirstOnOneThread);
    }

    [Fact]
    public void Only_the_trials_first_one_thread_replay_is_compared_and_a_disagreement_ends_it()
    {
        var threads = new ReplayThreads(ReplayThreading.Measuring);
        threads.Record(Caller, onOneThread: false, 1.0);
        Assert.False(threads.NextIsFirstOnOneThread);
        threads.Record(Caller, onOneThread: false, 1.0);
        Assert.True(threads.NextOnOneThread(Caller));
        Assert.True(threads.NextIsFirstOnOneThread);

        threads.Disagreed();

        Assert.Equal(ReplayThreading.AllThreads, threads.Threading);
        Assert.False(threads.NextOnOneThread(Caller));
        Assert.False(threads.NextIsFirstOnOneThread);
    }

    // Records replays placed by the trial, all threads taking allThreads ms and one thread oneThread ms, until it decides;
    // returns where each went ('a' all threads, '1' one thread).
    private static string RunTrial(ReplayThreads threads, double allThreads, double oneThread)
    {
        var placed = new StringBuilder();
        for (var i = 0; i < 100 && threads.Threading == ReplayThreading.Measuring; i++)
        {
            var onOne = threads.NextOnOneThread(Caller);
            placed.Append(onOne ? '1' : 'a');
            threads.Record(Caller, onOne, onOne ? oneThread : allThreads);
        }
        return placed.ToString();
    }
}
