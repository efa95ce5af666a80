using System;
using System.IO;
using System.Security.Cryptography;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// Writes a file so readers see either the old content or the complete new content:
/// write a temporary sibling, flush it to disk, then rename it over the target.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<FileStream> writeContent)
    {
        string fullPath = Path.GetFullPath(path);
        // Same folder, so the final rename stays on one file system and is atomic.
        string tempPath = fullPath + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The original failure matters more than a leftover temporary file.
        }
    }
}
