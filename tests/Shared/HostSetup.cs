using System.Runtime.CompilerServices;
using Torchwright.Runtime;

namespace Torchwright.Tests;

/// <summary>
/// Sets the test host up as a program should be: libtorch's huge-page switch is read at its first CPU allocation, and
/// tests run in parallel, so without this whether large tensors got huge pages (and the alignment kernels see) would
/// depend on which test made a tensor first.
/// </summary>
internal static class HostSetup
{
#pragma warning disable CA2255 // a test host's own set-up, before any test runs, is what a module initializer is for
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ConfigureBeforeAnyTensor() => HugePages.EnsureConfigured();
}
