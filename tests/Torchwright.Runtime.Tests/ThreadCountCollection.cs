using Xunit;

namespace Torchwright.Runtime.Tests;

/// <summary>
/// Tests that set libtorch's thread count run alone: the count is process-wide, and <c>Linear</c> chooses its kernel by
/// it, so a test running beside them could multiply on another kernel than it expects.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountCollection
{
    public const string Name = "thread count";
}
