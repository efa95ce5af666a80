using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>Builds safetensors bytes by hand, so tests do not depend on the writer under test.</summary>
internal static class RawFile
{
    /// <summary>Prefix + header (space-padded to 8 like PyTorch's writer when <paramref name="pad"/>) + data.</summary>
    public static byte[] Build(string json, byte[]? data = null, bool pad = true)
    {
        var header = Encoding.UTF8.GetBytes(json).ToList();
        while (pad && header.Count % 8 != 0)
        {
            header.Add((byte)' ');
        }
        return WithClaimedLength((ulong)header.Count, header.Concat(data ?? []).ToArray());
    }

    /// <summary>A length prefix that may lie about what follows.</summary>
    public static byte[] WithClaimedLength(ulong claimedHeaderLength, byte[] rest)
    {
        var bytes = new byte[8 + rest.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedHeaderLength);
        rest.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Floats(params float[] values)
        => values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();
}
