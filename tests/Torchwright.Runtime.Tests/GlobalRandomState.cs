using Xunit;

namespace Torchwright.Runtime.Tests;

/// <summary>
/// Tests that rely on torch's process-wide seed staying untouched between seeding and use. xunit runs
/// other classes in parallel, and they draw from the same global generator, so these run alone.
/// </summary>
[CollectionDefinition(nameof(GlobalRandomState), DisableParallelization = true)]
public sealed class GlobalRandomState
{
}
