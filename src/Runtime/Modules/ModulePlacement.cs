using TorchSharp;

namespace Torchwright.Runtime;

/// <summary>Moves a freshly built module to the device and element type it was asked for.</summary>
public static class ModulePlacement
{
    /// <summary>Moves <paramref name="module"/>'s parameters and buffers; a null argument leaves that aspect alone.</summary>
    /// <param name="module">The module to move.</param>
    /// <param name="device">Target device, or null to stay.</param>
    /// <param name="dtype">Target element type for floating-point tensors, or null to stay.</param>
    public static void MoveTo(torch.nn.Module module, torch.Device? device, torch.ScalarType? dtype)
    {
        if (device is not null)
        {
            module.to(device);
        }
        if (dtype is { } type)
        {
            module.to(type);
        }
    }
}
