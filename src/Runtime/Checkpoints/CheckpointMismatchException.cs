using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// A valid checkpoint does not fit the module. Every problem is collected before this is thrown,
/// and no parameter of the module has been changed.
/// </summary>
public sealed class CheckpointMismatchException : Exception
{
    internal CheckpointMismatchException(
        string filePath,
        IReadOnlyList<(string ModuleKey, string FileKey)> missing,
        IReadOnlyList<string> unexpectedKeys,
        IReadOnlyList<CheckpointShapeMismatch> shapeMismatches,
        IReadOnlyList<CheckpointDTypeMismatch> dtypeMismatches)
        : base(Compose(filePath, missing, unexpectedKeys, shapeMismatches, dtypeMismatches))
    {
        FilePath = filePath;
        MissingKeys = missing.Select(m => m.ModuleKey).ToArray();
        UnexpectedKeys = unexpectedKeys.ToArray();
        ShapeMismatches = shapeMismatches.ToArray();
        DTypeMismatches = dtypeMismatches.ToArray();
    }

    /// <summary>The checkpoint file.</summary>
    public string FilePath { get; }

    /// <summary>Module state-dict keys the file has no tensor for (empty unless loading strictly).</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>File keys no module key maps to (empty unless loading strictly).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>Tensors present in both whose shapes differ.</summary>
    public IReadOnlyList<CheckpointShapeMismatch> ShapeMismatches { get; }

    /// <summary>Tensors present in both whose element types differ.</summary>
    public IReadOnlyList<CheckpointDTypeMismatch> DTypeMismatches { get; }

    private static string Compose(
        string filePath,
        IReadOnlyList<(string ModuleKey, string FileKey)> missing,
        IReadOnlyList<string> unexpected,
        IReadOnlyList<CheckpointShapeMismatch> shapes,
        IReadOnlyList<CheckpointDTypeMismatch> dtypes)
    {
        int count = missing.Count + unexpected.Count + shapes.Count + dtypes.Count;
        var text = new StringBuilder($"Checkpoint '{filePath}' does not match the module ({count} problem{(count == 1 ? "" : "s")}); nothing was loaded:");
        foreach (var (moduleKey, fileKey) in missing)
        {
            text.Append($"\n  missing from the file: {CheckpointKeyText.Format(moduleKey, fileKey)}");
        }
        foreach (var key in unexpected)
        {
            text.Append($"\n  unexpected in the file: '{key}'");
        }
        foreach (var mismatch in shapes)
        {
            text.Append("\n  ").Append(mismatch);
        }
        foreach (var mismatch in dtypes)
        {
            text.Append("\n  ").Append(mismatch);
        }
        return text.ToString();
    }
}
