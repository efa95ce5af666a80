using System;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Checks the shapes of <see cref="Attention.forward"/>'s arguments before anything runs. Without it a wrong width
/// fails deep in a kernel ("mat1 and mat2 shapes cannot be multiplied") and a mask without its batch dimension
/// broadcasts against the heads instead and silently changes the result.
/// </summary>
internal static class AttentionInputs
{
    public static void Check(AttentionOptions options, Tensor x, Tensor? memory, Tensor? positions, Tensor? keyPositions,
        Tensor? padding, Tensor? bias, Tensor? queryGroups, Tensor? keyGroups)
    {
        ArgumentNullException.ThrowIfNull(x);
        Exact(x, nameof(x), "B,T,Dim", new long?[] { null, null, options.Dim });
        long batch = x.shape[0], length = x.shape[1];
        if (memory is not null)
        {
            Exact(memory, nameof(memory), "B,S,MemoryDim", new long?[] { batch, null, options.MemoryDim });
        }
        long keyLength = memory?.shape[1] ?? length;

        // Per-batch masks may also come as [1, …], shared by every row: that broadcasts correctly.
        if (padding is not null) Exact(padding, nameof(padding), "B,S", new long?[] { batch, keyLength }, batchMayBeOne: true);
        if (queryGroups is not null) Exact(queryGroups, nameof(queryGroups), "B,T", new long?[] { batch, length }, batchMayBeOne: true);
        if (keyGroups is not null) Exact(keyGroups, nameof(keyGroups), "B,S", new long?[] { batch, keyLength }, batchMayBeOne: true);
        if (options.Rope)
        {
            if (positions is not null) Positions(positions, nameof(positions), "T", batch, length);
            if (keyPositions is not null) Positions(keyPositions, nameof(keyPositions), "S", batch, keyLength);
        }
        if (bias is not null) Broadcastable(bias, nameof(bias), new[] { batch, options.QueryHeads, length, keyLength });
    }

    // Every dimension as declared; null leaves one unchecked.
    private static void Exact(Tensor tensor, string name, string symbolic, long?[] expected, bool batchMayBeOne = false)
    {
        var shape = tensor.shape;
        var fits = shape.Length == expected.Length;
        for (var i = 0; fits && i < shape.Length; i++)
        {
            fits = expected[i] is not { } value || shape[i] == value || (i == 0 && batchMayBeOne && shape[i] == 1);
        }
        if (!fits)
        {
            throw Mismatch(name, shape, symbolic, expected);
        }
    }

    // Rotary positions: [L] for every row, or [B, L] (or [1, L]).
    private static void Positions(Tensor positions, string name, string lengthName, long batch, long length)
    {
        var shape = positions.shape;
        var fits = shape.Length == 1 ? shape[0] == length
            : shape.Length == 2 && shape[1] == length && (shape[0] == batch || shape[0] == 1);
        if (!fits)
        {
            throw new ArgumentException(
                $"Attention.forward: argument '{name}' has shape {ShapeGuard.Format(shape)}, expected [{lengthName}] = [{length}] or [B,{lengthName}] = [{batch},{length}].", name);
        }
    }

    // An additive bias may leave out leading dimensions and give any of them as 1, as broadcasting allows,
    // but must not widen the scores.
    private static void Broadcastable(Tensor bias, string name, long[] scores)
    {
        var shape = bias.shape;
        var offset = scores.Length - shape.Length;
        var fits = offset >= 0;
        for (var i = 0; fits && i < shape.Length; i++)
        {
            fits = shape[i] == 1 || shape[i] == scores[offset + i];
        }
        if (!fits)
        {
            throw new ArgumentException(
                $"Attention.forward: argument '{name}' has shape {ShapeGuard.Format(shape)}, which does not broadcast to the scores [B,H,T,S] = {ShapeGuard.Format(scores)}.", name);
        }
    }

    private static ArgumentException Mismatch(string name, long[] shape, string symbolic, long?[] expected)
        => new($"Attention.forward: argument '{name}' has shape {ShapeGuard.Format(shape)}, expected [{symbolic}] = " +
            $"[{string.Join(",", expected.Select(value => value?.ToString() ?? "?"))}].", name);
}
