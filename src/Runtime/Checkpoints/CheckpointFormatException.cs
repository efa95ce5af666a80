using System;
using System.IO;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// A checkpoint file is not valid safetensors (or cannot be trusted as such).
/// The message names the file, the offending key when there is one, and the problem with
/// the expected and actual numbers.
/// </summary>
/// <remarks>
/// <see cref="InvalidDataException"/> is sealed, so this derives from <see cref="IOException"/>:
/// code that handles failed file reads handles a refused checkpoint too.
/// </remarks>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception for a problem in <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The file that was refused.</param>
    /// <param name="key">The header key the problem concerns, or null for file-level problems.</param>
    /// <param name="problem">What is wrong, with expected and actual values.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public CheckpointFormatException(string filePath, string? key, string problem, Exception? innerException = null)
        : base(Compose(filePath, key, problem), innerException)
    {
        FilePath = filePath;
        Key = key;
        Problem = problem;
    }

    /// <summary>The file that was refused.</summary>
    public string FilePath { get; }

    /// <summary>The header key the problem concerns, or null for file-level problems.</summary>
    public string? Key { get; }

    /// <summary>The problem alone, without the file and key.</summary>
    public string Problem { get; }

    private static string Compose(string filePath, string? key, string problem)
        => key is null
            ? $"Invalid safetensors file '{filePath}': {problem}"
            : $"Invalid safetensors file '{filePath}', key '{key}': {problem}";
}
