using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// Writes header JSON byte for byte as the reference (Rust serde_json) writer does: compact,
/// <c>__metadata__</c> first, entries in data order, only <c>"</c>, <c>\</c> and control
/// characters escaped, then spaces up to a multiple of 8 bytes.
/// </summary>
internal static class SafeTensorsHeaderWriter
{
    public static byte[] Build(IReadOnlyList<SafeTensorsEntry> entriesInDataOrder, IReadOnlyDictionary<string, string>? metadata)
    {
        var output = new ArrayBufferWriter<byte>();
        Raw(output, "{");
        bool first = true;
        if (metadata is not null)
        {
            String(output, SafeTensorsHeaderParser.MetadataKey);
            Raw(output, ":{");
            // Sorted so the bytes are reproducible (the reference uses hash-map order here).
            bool firstPair = true;
            foreach (var pair in metadata.OrderBy(p => Utf8Strict.GetBytes(p.Key), Utf8Strict.ByteOrder))
            {
                Raw(output, firstPair ? "" : ",");
                String(output, pair.Key);
                Raw(output, ":");
                String(output, pair.Value);
                firstPair = false;
            }
            Raw(output, "}");
            first = false;
        }
        foreach (var entry in entriesInDataOrder)
        {
            Raw(output, first ? "" : ",");
            String(output, entry.Name);
            Raw(output, ":{\"dtype\":");
            String(output, SafeTensorsDTypes.ToToken(entry.DType));
            Raw(output, ",\"shape\":[");
            Raw(output, string.Join(",", entry.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))));
            Raw(output, $"],\"data_offsets\":[{entry.Begin.ToString(CultureInfo.InvariantCulture)},{entry.End.ToString(CultureInfo.InvariantCulture)}]}}");
            first = false;
        }
        Raw(output, "}");

        // Padding keeps the data buffer 8-byte aligned in the file, as PyTorch's writer does.
        int padding = (8 - output.WrittenCount % 8) % 8;
        output.GetSpan(padding)[..padding].Fill((byte)' ');
        output.Advance(padding);
        return output.WrittenSpan.ToArray();
    }

    private static void Raw(ArrayBufferWriter<byte> output, string ascii)
    {
        int written = Encoding.ASCII.GetBytes(ascii, output.GetSpan(ascii.Length));
        output.Advance(written);
    }

    private static void String(ArrayBufferWriter<byte> output, string value)
    {
        Raw(output, "\"");
        foreach (byte b in Utf8Strict.GetBytes(value))
        {
            string? escape = b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\b' => "\\b",
                (byte)'\f' => "\\f",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                < 0x20 => $"\\u{b:x4}",
                _ => null,
            };
            if (escape is null)
            {
                output.GetSpan(1)[0] = b;
                output.Advance(1);
            }
            else
            {
                Raw(output, escape);
            }
        }
        Raw(output, "\"");
    }
}
