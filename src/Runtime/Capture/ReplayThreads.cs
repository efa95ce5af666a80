using System;

namespace Torchwright.Runtime.Capture;

/// <summary>
/// Decides, for one capture graph, whether its replays run on all threads or on one, from the graph's own replays:
/// after the warm-up (all threads, untimed) and one more replay on all threads, which must be short, they alternate
/// between one thread and all, and once each side has <see cref="TimedPerSide"/> timed replays (the first on one
/// thread not counted: oneDNN makes its kernels for a thread count at their first use) one thread is kept if its
/// median is at most <see cref="RequiredShare"/> of all threads'. A small model's forward is a few
/// dozen operators on tensors of a few thousand values, where handing each one to a second thread costs more than it
/// saves: the benchmark's small bf16 forward (B=1, T=64, D=128, 2 layers) replayed in 0.66 ms on one thread against
/// 0.95 ms on two. A replay longer than <see cref="LongReplayMilliseconds"/> keeps all threads without trying one: such
/// work parallelises (the medium bf16 forward, 17 ms on two threads, took about 35 on one), and the choice is made once,
/// so a load spike during the trial, which slows replays on all threads far more than on one, must not be able to
/// lock a plan of that size onto one thread. <c>TORCHWRIGHT_REPLAY_THREADS=all</c> keeps all threads for every graph
/// (replays then never depend on timing).
/// </summary>
internal sealed class ReplayThreads
{
    /// <summary>The environment variable that can turn the choice off: <c>measure</c> (the default) or <c>all</c>.</summary>
    public const string Variable = "TORCHWRIGHT_REPLAY_THREADS";

    /// <summary>Timed replays per side before deciding.</summary>
    public const int TimedPerSide = 5;

    /// <summary>One thread is kept only when its median replay takes at most this share of all threads'.</summary>
    public const double RequiredShare = 0.9;

    /// <summary>A replay on all threads longer than this ends the trial: all threads are kept.</summary>
    public const double LongReplayMilliseconds = 5;

    private static readonly Lazy<bool> MeasuringAllowed = new(ReadVariable);

    private readonly double[] allThreads = new double[TimedPerSide]; // allocated up front: replays allocate nothing
    private readonly double[] oneThread = new double[TimedPerSide];
    private int allThreadsTimed;
    private int oneThreadTimed;
    private int trials;

    /// <summary>A chooser that measures, unless the environment or the platform rules it out.</summary>
    public static ReplayThreads Create() =>
        new(MeasuringAllowed.Value && IntraOpThreads.Available ? ReplayThreading.Measuring : ReplayThreading.AllThreads);

    /// <summary>A chooser in a given state (tests start one measuring whatever the environment says).</summary>
    internal ReplayThreads(ReplayThreading start) => Threading = start;

    /// <summary>The choice so far.</summary>
    public ReplayThreading Threading { get; private set; }

    /// <summary>Whether the next replay runs on one thread, when the caller gives libtorch <paramref name="callerThreads"/>:
    /// during the trial the third replay and every second one after it. A caller already on one thread has nothing to
    /// choose between (see <see cref="Record"/>).</summary>
    public bool NextOnOneThread(int callerThreads) => callerThreads > 1 && Threading switch
    {
        ReplayThreading.OneThread => true,
        ReplayThreading.Measuring => trials >= 2 && trials % 2 == 0,
        _ => false,
    };

    /// <summary>Whether the next replay is the trial's first on one thread, whose result must first be seen to agree with
    /// all threads' (oneDNN picks its kernels by thread count too, and gets some of them wrong).</summary>
    public bool NextIsFirstOnOneThread => Threading == ReplayThreading.Measuring && trials == 2;

    /// <summary>Ends the trial on all threads: the first one-thread replay did not agree with all threads', or could not
    /// be compared.</summary>
    public void Disagreed() => Threading = ReplayThreading.AllThreads;

    /// <summary>Takes the time of a replay placed by <see cref="NextOnOneThread"/> for a caller on
    /// <paramref name="callerThreads"/> threads, and decides once the trial is complete. Replays of a caller on one
    /// thread are not counted.</summary>
    public void Record(int callerThreads, bool onOneThread, double milliseconds)
    {
        if (Threading != ReplayThreading.Measuring || callerThreads <= 1)
        {
            return;
        }
        var trial = trials++;
        if (trial == 0 || trial == 2) // the warm-up and the first one-thread replay make their kernels
        {
            return;
        }
        if (!onOneThread && milliseconds > LongReplayMilliseconds)
        {
            Threading = ReplayThreading.AllThreads;
            return;
        }
        if (trial == 1) // it only had to be short enough
        {
            return;
        }
        if (onOneThread)
        {
            oneThread[oneThreadTimed++] = milliseconds;
        }
        else
        {
            allThreads[allThreadsTimed++] = milliseconds;
        }
        if (allThreadsTimed >= TimedPerSide && oneThreadTimed >= TimedPerSide)
        {
            Threading = Median(oneThread) <= RequiredShare * Median(allThreads) ? ReplayThreading.OneThread : ReplayThreading.AllThreads;
        }
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }

    private static bool ReadVariable()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(value) || value.Equals("measure", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return value.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? false
            : throw new InvalidOperationException($"{Variable} is '{value}'; expected 'measure' or 'all'.");
    }
}
