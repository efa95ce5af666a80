namespace Torchwright.Generator;

/// <summary>Names of the tracked pipeline steps; incremental tests assert on them.</summary>
internal static class TrackingNames
{
    public const string Models = "Torchwright.Models";
    public const string Blocks = "Torchwright.Blocks";
    public const string Specs = "Torchwright.Specs";

    /// <summary>Types that cannot be expanded, paired with the compilation to report them in its syntax trees.</summary>
    public const string CannotExpand = "Torchwright.CannotExpand";
}
