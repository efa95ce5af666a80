using System.Linq;
using System.Reflection;

namespace Torchwright.Generator.Diagnostics;

/// <summary>
/// The folder of the diagnostics' help pages. A build with a <c>RepositoryUrl</c> stamps the absolute address of
/// <c>docs/diagnostics/</c> into this assembly, so IDEs open the page; without one the links stay relative to the
/// repository root, which is all that can be said about a project with no public home.
/// </summary>
internal static class HelpLinks
{
    /// <summary>The help pages' folder relative to the repository root.</summary>
    public const string Relative = "docs/diagnostics/";

    /// <summary>The folder this build links to; ends with '/'.</summary>
    public static string Root { get; } = Resolve(typeof(HelpLinks).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(attribute => attribute.Key == "TorchwrightHelpLinkRoot")?.Value);

    /// <summary>The configured folder with a trailing '/', or <see cref="Relative"/> when none is configured.</summary>
    internal static string Resolve(string? configured)
    {
        if (configured is null || configured.Trim().Length == 0)
        {
            return Relative;
        }
        var root = configured.Trim();
        return root.EndsWith("/", System.StringComparison.Ordinal) ? root : root + "/";
    }
}
