using System;
using System.IO;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>A private folder per test, so file listings (temp-file checks) see only that test's files.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "torchwright-ckpt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] bytes)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public string[] FileNames() => Array.ConvertAll(Directory.GetFiles(Path), f => System.IO.Path.GetFileName(f)!);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
