using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>
/// Turns header JSON into entries and metadata, refusing anything the format does not allow:
/// invalid UTF-8 or JSON, duplicate keys, non-object entries, unknown or missing fields,
/// unknown dtypes and shape/offset values that are not non-negative integers.
/// Byte ranges are checked afterwards by <see cref="SafeTensorsLayoutValidator"/>.
/// </summary>
internal static class SafeTensorsHeaderParser
{
    public const string MetadataKey = "__metadata__";

    private const string SupportedDTypes = "F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL";

    public static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> json, string path)
    {
        int invalidAt = FirstInvalidUtf8(json);
        if (invalidAt >= 0)
        {
            throw new CheckpointFormatException(path, null,
                $"the header is not valid UTF-8 (bad byte 0x{json[invalidAt]:X2} at header offset {invalidAt})");
        }
        // Newer reference readers insist on '{' first; leading whitespace is not written by anyone.
        if (json.Length == 0 || json[0] != (byte)'{')
        {
            string found = json.Length == 0 ? "nothing" : $"0x{json[0]:X2}";
            throw new CheckpointFormatException(path, null, $"the header must start with '{{' but starts with {found}");
        }

        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
            Next(ref reader);
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }
                current = reader.GetString()!;
                if (!seen.Add(current))
                {
                    throw new CheckpointFormatException(path, current, "the key appears more than once in the header");
                }
                if (current == MetadataKey)
                {
                    ParseMetadata(ref reader, metadata, path);
                }
                else
                {
                    entries.Add(ParseEntry(ref reader, current, path));
                }
            }
            current = null;
            // Anything but whitespace after the root object makes Read throw.
            if (reader.Read())
            {
                throw new JsonException("unexpected content after the root object");
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new CheckpointFormatException(path, current, $"the header is not valid JSON: {ex.Message}", ex);
        }
        return (entries, metadata);
    }

    private static SafeTensorsEntry ParseEntry(ref Utf8JsonReader reader, string name, string path)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new CheckpointFormatException(path, name,
                $"a tensor entry must be a JSON object but is {Describe(reader.TokenType)}");
        }

        string? dtypeText = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }
            string field = reader.GetString()!;
            switch (field)
            {
                case "dtype":
                    RefuseRepeat(dtypeText is not null, field, name, path);
                    Next(ref reader);
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new CheckpointFormatException(path, name,
                            $"\"dtype\" must be a string but is {Describe(reader.TokenType)}");
                    }
                    dtypeText = reader.GetString()!;
                    break;
                case "shape":
                    RefuseRepeat(shape is not null, field, name, path);
                    shape = ParseIntegers(ref reader, field, name, path);
                    break;
                case "data_offsets":
                    RefuseRepeat(offsets is not null, field, name, path);
                    offsets = ParseIntegers(ref reader, field, name, path);
                    if (offsets.Count != 2)
                    {
                        throw new CheckpointFormatException(path, name,
                            $"\"data_offsets\" must hold exactly 2 integers [begin, end] but holds {offsets.Count}");
                    }
                    break;
                default:
                    throw new CheckpointFormatException(path, name,
                        $"unknown field \"{field}\"; expected only \"dtype\", \"shape\" and \"data_offsets\"");
            }
        }

        if (dtypeText is null || shape is null || offsets is null)
        {
            string missing = dtypeText is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw new CheckpointFormatException(path, name, $"the entry has no \"{missing}\" field");
        }
        if (!SafeTensorsDTypes.TryParse(dtypeText, out var dtype))
        {
            throw new CheckpointFormatException(path, name,
                $"unknown dtype \"{Clip(dtypeText)}\"; expected one of {SupportedDTypes}");
        }
        return new SafeTensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static List<long> ParseIntegers(ref Utf8JsonReader reader, string field, string name, string path)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new CheckpointFormatException(path, name,
                $"\"{field}\" must be an array of integers but is {Describe(reader.TokenType)}");
        }
        var values = new List<long>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return values;
            }
            if (reader.TokenType != JsonTokenType.Number)
            {
                throw new CheckpointFormatException(path, name,
                    $"\"{field}\"[{values.Count}] is {Describe(reader.TokenType)}; expected a non-negative integer");
            }
            if (!TryParseNonNegative(reader.ValueSpan, out long value))
            {
                throw new CheckpointFormatException(path, name,
                    $"\"{field}\"[{values.Count}] is {Clip(Encoding.UTF8.GetString(reader.ValueSpan))}; " +
                    $"expected a non-negative integer no larger than {long.MaxValue}");
            }
            values.Add(value);
        }
    }

    private static void ParseMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string path)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new CheckpointFormatException(path, MetadataKey,
                $"metadata must be an object of string values but is {Describe(reader.TokenType)}");
        }
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }
            string key = reader.GetString()!;
            Next(ref reader);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new CheckpointFormatException(path, MetadataKey,
                    $"metadata value of \"{Clip(key)}\" must be a string but is {Describe(reader.TokenType)}");
            }
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw new CheckpointFormatException(path, MetadataKey,
                    $"metadata key \"{Clip(key)}\" appears more than once");
            }
        }
    }

    /// <summary>Accepts only plain digit strings: no sign, fraction or exponent.</summary>
    private static bool TryParseNonNegative(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty)
        {
            return false;
        }
        foreach (byte b in digits)
        {
            if (b < (byte)'0' || b > (byte)'9')
            {
                return false;
            }
            if (value > (long.MaxValue - (b - '0')) / 10)
            {
                return false;
            }
            value = value * 10 + (b - '0');
        }
        return true;
    }

    private static void RefuseRepeat(bool repeated, string field, string name, string path)
    {
        if (repeated)
        {
            throw new CheckpointFormatException(path, name, $"the field \"{field}\" appears more than once");
        }
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("the header ends before the JSON is complete");
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }
            offset += consumed;
        }
        return -1;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>Keeps messages short when a hostile header holds huge values.</summary>
    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
