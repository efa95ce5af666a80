namespace Torchwright.Runtime.Checkpoints;

/// <summary>Names a key in messages, showing the file key too when a mapping changed it.</summary>
internal static class CheckpointKeyText
{
    public static string Format(string moduleKey, string fileKey)
        => moduleKey == fileKey ? $"'{moduleKey}'" : $"'{moduleKey}' (file key '{fileKey}')";
}
