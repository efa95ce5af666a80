using Xunit;

namespace Torchwright.Models.Tests.Capture;

/// <summary>Tests that set libtorch's thread count (process-wide) run alone, so no other test trains under it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "thread count";
}
