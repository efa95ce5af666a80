using System;
using System.Linq;
using System.Runtime.InteropServices;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using Xunit;

namespace Torchwright.Models.Tests.Platform;

/// <summary>The first block applies the host-memory policy that TORCHWRIGHT_HOST_MEMORY asks for (see <see cref="HostMemory"/>).</summary>
public class HostMemoryTests
{
    [Fact]
    public void Creating_a_block_applies_the_requested_policy_and_says_why()
    {
        using var block = new Linear(4, 4);

        var requested = Environment.GetEnvironmentVariable(HostMemory.Variable);
        var glibc = OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);
        // Unset, the tunables the process was started with decide (the benchmarks' HostMemory.Tunables: retain).
        var tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Split(':') ?? Array.Empty<string>();
        var retainedAtStart = string.IsNullOrEmpty(requested) && HostMemory.Tunables.Split(':').All(tunables.Contains);
        var expected = glibc && (string.Equals(requested, "retain", StringComparison.OrdinalIgnoreCase) || retainedAtStart)
            ? HostMemoryMode.Retain
            : HostMemoryMode.System;
        Assert.True(expected == HostMemory.Mode, $"mode {HostMemory.Mode}: {HostMemory.Reason}");
        Assert.Contains(HostMemory.Variable, HostMemory.Reason, StringComparison.Ordinal);
    }
}
