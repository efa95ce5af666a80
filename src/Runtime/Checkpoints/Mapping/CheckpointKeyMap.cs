using System;
using System.Collections.Generic;
using System.Linq;

namespace Torchwright.Runtime.Checkpoints.Mapping;

/// <summary>
/// Translates a module's state-dict keys to the names another framework's checkpoints use, including tensors
/// stored fused on one side and separately on the other. Rules are tried in the order they were added; a key
/// no rule matches keeps its name. Patterns may hold integer placeholders (<c>{i}</c>, and <c>{i+k}</c> to renumber),
/// so one rule covers every layer:
/// <code>
/// new CheckpointKeyMap()
///     .Rename("blocks.{i}.attn.proj.weight", "encoder.block.{i}.layer.0.SelfAttention.o.weight")
///     .Split("blocks.{i}.attn.qkv.weight", "encoder.block.{i}.layer.0.SelfAttention.q.weight",
///            "encoder.block.{i}.layer.0.SelfAttention.k.weight", "encoder.block.{i}.layer.0.SelfAttention.v.weight")
///     .IgnoreInFile("encoder.embed_tokens.weight");
/// </code>
/// Save and load through <see cref="MappedCheckpoint"/>; a map without splits also works with
/// <see cref="Checkpoint"/> through <see cref="AsKeyFunction"/>.
/// </summary>
public sealed class CheckpointKeyMap
{
    private readonly List<Rule> rules = new();
    private readonly List<KeyPattern> ignored = new();

    /// <summary>Stores the tensor under another name (optionally transposed, for frameworks that store linear weights as [in, out]).</summary>
    /// <param name="modulePattern">The module key, with placeholders.</param>
    /// <param name="filePattern">The file key, using the same placeholders.</param>
    /// <param name="transpose">Store the transpose of the module's 2-D tensor.</param>
    /// <returns>This map, for chaining.</returns>
    public CheckpointKeyMap Rename(string modulePattern, string filePattern, bool transpose = false)
        => Add(modulePattern, new[] { filePattern }, dim: 0, sizes: null, transpose);

    /// <summary>Stores a fused tensor as equal parts along dimension 0 (e.g. qkv → q, k, v; gated fc1 → wi_0, wi_1).</summary>
    /// <param name="modulePattern">The fused module key, with placeholders.</param>
    /// <param name="filePatterns">The parts' file keys, in order along the dimension.</param>
    /// <returns>This map, for chaining.</returns>
    public CheckpointKeyMap Split(string modulePattern, params string[] filePatterns)
        => Add(modulePattern, filePatterns, dim: 0, sizes: null, transpose: false);

    /// <summary>Stores a fused tensor as parts of the given sizes along <paramref name="dim"/> (e.g. grouped-query qkv).</summary>
    /// <param name="modulePattern">The fused module key, with placeholders.</param>
    /// <param name="filePatterns">The parts' file keys, in order along the dimension.</param>
    /// <param name="dim">The dimension the parts are joined along (of the transposed tensor when <paramref name="transpose"/>).</param>
    /// <param name="sizes">Each part's size along <paramref name="dim"/>; null for equal parts.</param>
    /// <param name="transpose">Store the parts of the transpose of the module's 2-D tensor.</param>
    /// <returns>This map, for chaining.</returns>
    public CheckpointKeyMap Split(string modulePattern, IReadOnlyList<string> filePatterns, int dim, IReadOnlyList<long>? sizes = null, bool transpose = false)
        => Add(modulePattern, filePatterns, dim, sizes, transpose);

    /// <summary>
    /// File keys that loading skips without reporting them as unexpected, e.g. tied copies of a shared table
    /// (<c>encoder.embed_tokens.weight</c> beside <c>shared.weight</c>).
    /// </summary>
    /// <param name="filePattern">The file key, with placeholders.</param>
    /// <returns>This map, for chaining.</returns>
    public CheckpointKeyMap IgnoreInFile(string filePattern)
    {
        ignored.Add(KeyPattern.Parse(filePattern, "ignored file key"));
        return this;
    }

    /// <summary>Where <paramref name="moduleKey"/> is stored: the first rule that matches it, or its own name.</summary>
    /// <param name="moduleKey">A key of the module's state dict.</param>
    public MappedTensor Resolve(string moduleKey)
    {
        ArgumentNullException.ThrowIfNull(moduleKey);
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            values.Clear();
            if (rule.Module.TryMatch(moduleKey, values))
            {
                var keys = rule.Files.Select(file => file.Format(values)).ToArray();
                return new MappedTensor(moduleKey, keys, rule.Dim, rule.Sizes, rule.Transpose);
            }
        }
        return new MappedTensor(moduleKey, new[] { moduleKey }, 0, null, false);
    }

    /// <summary>Whether loading skips <paramref name="fileKey"/> (see <see cref="IgnoreInFile"/>).</summary>
    /// <param name="fileKey">A key in a checkpoint file.</param>
    public bool IsIgnored(string fileKey)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        return ignored.Any(pattern => pattern.TryMatch(fileKey, values));
    }

    /// <summary>
    /// The map as the one-to-one <c>mapKey</c> function of <see cref="Checkpoint.Save"/> and <see cref="Checkpoint.Load"/>.
    /// It refuses keys that are split or transposed: those need <see cref="MappedCheckpoint"/>.
    /// </summary>
    public Func<string, string> AsKeyFunction() => moduleKey =>
    {
        var mapped = Resolve(moduleKey);
        if (mapped.IsSplit || mapped.Transpose)
        {
            throw new InvalidOperationException(
                $"'{moduleKey}' is stored {(mapped.IsSplit ? $"as {mapped.FileKeys.Count} file tensors" : "transposed")} ({string.Join(", ", mapped.FileKeys)}); " +
                "save and load it with MappedCheckpoint rather than a key function.");
        }
        return mapped.FileKeys[0];
    };

    private CheckpointKeyMap Add(string modulePattern, IReadOnlyList<string> filePatterns, int dim, IReadOnlyList<long>? sizes, bool transpose)
    {
        var module = KeyPattern.Parse(modulePattern, "module key pattern");
        ArgumentNullException.ThrowIfNull(filePatterns);
        if (filePatterns.Count == 0)
        {
            throw new ArgumentException($"The rule for '{modulePattern}' names no file key.", nameof(filePatterns));
        }
        var files = filePatterns.Select(pattern => KeyPattern.Parse(pattern, "file key pattern")).ToArray();
        var names = module.Names.ToHashSet(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var unknown = file.Names.FirstOrDefault(name => !names.Contains(name));
            if (unknown is not null)
            {
                throw new ArgumentException($"The file key pattern '{file.Text}' uses the placeholder '{{{unknown}}}', which '{modulePattern}' does not capture.", nameof(filePatterns));
            }
        }
        if (files.Select(f => f.Text).Distinct(StringComparer.Ordinal).Count() != files.Length)
        {
            throw new ArgumentException($"The rule for '{modulePattern}' names the same file key twice.", nameof(filePatterns));
        }
        if (dim < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dim), dim, "The split dimension must be non-negative.");
        }
        if (sizes is not null && (sizes.Count != files.Length || sizes.Any(size => size <= 0)))
        {
            throw new ArgumentException($"The rule for '{modulePattern}' needs one positive size per file key ({files.Length}), but got [{string.Join(", ", sizes)}].", nameof(sizes));
        }
        rules.Add(new Rule(module, files, dim, sizes?.ToArray(), transpose));
        return this;
    }

    private sealed record Rule(KeyPattern Module, KeyPattern[] Files, int Dim, long[]? Sizes, bool Transpose);
}
