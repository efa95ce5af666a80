using TorchSharp;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>A tensor whose element type in the checkpoint differs from the module's; no conversion is attempted.</summary>
public sealed class CheckpointDTypeMismatch
{
    internal CheckpointDTypeMismatch(string moduleKey, string fileKey, torch.ScalarType moduleDType, SafeTensorsDType fileDType)
    {
        ModuleKey = moduleKey;
        FileKey = fileKey;
        ModuleDType = moduleDType;
        FileDType = fileDType;
    }

    /// <summary>The key in the module's state dict.</summary>
    public string ModuleKey { get; }

    /// <summary>The key in the file (differs from <see cref="ModuleKey"/> when a key mapping is used).</summary>
    public string FileKey { get; }

    /// <summary>The module tensor's element type.</summary>
    public torch.ScalarType ModuleDType { get; }

    /// <summary>The element type stored in the file.</summary>
    public SafeTensorsDType FileDType { get; }

    /// <summary>A one-line description naming both types.</summary>
    public override string ToString()
    {
        string module = SafeTensorsDTypes.TryFromScalarType(ModuleDType, out var asFile) ? $"{ModuleDType} ({asFile})" : ModuleDType.ToString();
        return $"dtype mismatch for {CheckpointKeyText.Format(ModuleKey, FileKey)}: module {module}, file {FileDType}";
    }
}
