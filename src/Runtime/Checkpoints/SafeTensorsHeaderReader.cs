using System.Buffers.Binary;
using System.IO;

namespace Torchwright.Runtime.Checkpoints;

/// <summary>Reads and validates the length prefix and JSON header of an open safetensors file.</summary>
internal static class SafeTensorsHeaderReader
{
    /// <summary>The reference implementation's limit; larger headers are refused as absurd.</summary>
    public const long MaxHeaderLength = 100_000_000;

    public static SafeTensorsHeader Read(FileStream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw new CheckpointFormatException(path, null,
                $"the file has {fileLength} bytes, fewer than the 8-byte header length prefix");
        }

        System.Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        ulong claimed = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        long available = fileLength - 8;

        // Both checks come before any allocation so a hostile prefix cannot make us allocate.
        if (claimed > MaxHeaderLength)
        {
            throw new CheckpointFormatException(path, null,
                $"the header length prefix claims {claimed} bytes, over the {MaxHeaderLength}-byte limit " +
                $"({available} bytes follow the prefix)");
        }
        if (claimed > (ulong)available)
        {
            throw new CheckpointFormatException(path, null,
                $"the header length prefix claims {claimed} bytes but only {available} bytes follow the prefix");
        }

        long headerLength = (long)claimed;
        var json = new byte[headerLength];
        stream.ReadExactly(json);

        var (entries, metadata) = SafeTensorsHeaderParser.Parse(json, path);
        long dataLength = available - headerLength;
        var ordered = SafeTensorsLayoutValidator.Validate(entries, dataLength, path);
        return new SafeTensorsHeader(path, headerLength, dataLength, ordered, metadata);
    }
}
