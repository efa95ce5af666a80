using System.Collections.Generic;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>What a successful <see cref="Checkpoint.Load"/> skipped; both lists are empty after a strict load.</summary>
public sealed class CheckpointLoadResult
{
    internal CheckpointLoadResult(IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys)
    {
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
    }

    /// <summary>Module state-dict keys the file had no tensor for; those tensors kept their values.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>File keys that no module key maps to; they were not read.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }
}
