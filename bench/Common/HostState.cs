using Torchwright.Runtime;

namespace Torchwright.Bench;

/// <summary>How this process's host memory is set up, in the words every benchmark report records.</summary>
public static class HostState
{
    /// <summary>The host-memory policy and why (<see cref="HostMemory"/>).</summary>
    public static string Memory
    {
        get
        {
            HostMemory.EnsureConfigured();
            return $"{HostMemory.Mode}: {HostMemory.Reason}";
        }
    }

    /// <summary>Whether libtorch asks for huge pages, and why (<see cref="HugePages"/>).</summary>
    public static string HugePageState
    {
        get
        {
            HugePages.EnsureConfigured();
            return $"{(HugePages.Active ? "on" : "off")}: {HugePages.Reason}";
        }
    }
}
