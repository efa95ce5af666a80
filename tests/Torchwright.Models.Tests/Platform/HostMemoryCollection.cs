using Xunit;

namespace Torchwright.Models.Tests.Platform;

/// <summary>Tests that watch the process's memory (page faults) run on their own, after the parallel ones, so that
/// no other test's tensors show up in what they count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostMemoryCollection
{
    public const string Name = "Host memory";
}
