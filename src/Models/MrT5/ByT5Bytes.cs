using System;
using System.Collections.Generic;
using System.Text;

namespace Torchwright.Models.MrT5;

/// <summary>ByT5's byte vocabulary: id = byte + 3, with pad 0, eos 1 and unk 2.</summary>
public static class ByT5Bytes
{
    /// <summary>Padding, also the decoder's start token.</summary>
    public const long Pad = 0;

    /// <summary>End of sequence.</summary>
    public const long Eos = 1;

    /// <summary>Unknown.</summary>
    public const long Unk = 2;

    /// <summary>The id of byte 0.</summary>
    public const long Offset = 3;

    /// <summary>The ids of <paramref name="text"/>'s UTF-8 bytes followed by eos.</summary>
    /// <param name="text">The text.</param>
    public static long[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new long[bytes.Length + 1];
        for (var i = 0; i < bytes.Length; i++)
        {
            ids[i] = bytes[i] + Offset;
        }
        ids[^1] = Eos;
        return ids;
    }

    /// <summary>The text of byte ids up to the first eos; pad and unk are skipped.</summary>
    /// <param name="ids">Token ids.</param>
    public static string Decode(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id == Eos)
            {
                break;
            }
            if (id >= Offset && id < Offset + 256)
            {
                bytes.Add((byte)(id - Offset));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
