namespace Torchwright.Runtime.Capture;

/// <summary>On how many threads a capture graph's replays run libtorch's operators (see <see cref="CaptureGraph.Threading"/>).</summary>
public enum ReplayThreading
{
    /// <summary>Still timing its first replays on all threads and on one.</summary>
    Measuring,

    /// <summary>On as many threads as the calling thread gives libtorch (<c>torch.get_num_threads()</c>).</summary>
    AllThreads,

    /// <summary>On one thread: its replays are so short that splitting every operator across threads cost more than it
    /// saved.</summary>
    OneThread,
}
