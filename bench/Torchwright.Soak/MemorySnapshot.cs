using TorchSharp;
using Torchwright.Bench;

namespace Torchwright.Soak;

/// <summary>Resident memory and live tensor counts at one moment (see <see cref="ResidentMemory"/>).</summary>
/// <param name="Step">Completed training steps.</param>
/// <param name="ResidentKb">VmRSS in use: after collecting garbage and trimming glibc's free pages.</param>
/// <param name="RawResidentKb">VmRSS before the trim.</param>
/// <param name="Tensors">Tensor handles alive in the process (TorchSharp's count).</param>
/// <param name="ScopedLive">Tensors alive in dispose scopes on this thread.</param>
internal sealed record MemorySnapshot(int Step, long ResidentKb, long RawResidentKb, long Tensors, long ScopedLive)
{
    public static MemorySnapshot Take(int step)
    {
        var resident = ResidentMemory.Measure();
        return new MemorySnapshot(step, resident.InUseKb, resident.RawKb, torch.Tensor.TotalCount, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
