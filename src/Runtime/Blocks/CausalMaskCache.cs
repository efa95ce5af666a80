using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Keeps the boolean "future" mask for the last length and device asked for, so that a mask is built
/// once per shape rather than once per call. The mask is true above the diagonal (positions to hide).
/// </summary>
internal sealed class CausalMaskCache
{
    private Tensor? mask;
    private long length = -1;
    private Device? device;

    public Tensor Get(long length, Device device)
    {
        if (mask is null || this.length != length || this.device != device)
        {
            mask?.Dispose();
            using var ones = TorchSharp.torch.ones(length, length, dtype: ScalarType.Bool, device: device);
            mask = ones.triu(1).DetachFromDisposeScope();
            this.length = length;
            this.device = device;
        }
        return mask;
    }
}
