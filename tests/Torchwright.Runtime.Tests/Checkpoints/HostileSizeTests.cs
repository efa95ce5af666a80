using System;
using System.Collections.Generic;
using Torchwright.Runtime.Capture;
using Torchwright.Runtime.Checkpoints;
using Xunit;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>Size claims in a small file cannot make the reader allocate anywhere near the claimed amount.</summary>
public sealed class HostileSizeTests
{
    private const long FourTerabytes = 4L << 40;

    // Fixed overhead: FileStream, exception objects and message strings. Tiny next to a terabyte.
    private const long Overhead = 64 * 1024;

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    private static readonly Dictionary<string, byte[]> Cases = new()
    {
        // Prefix claims a 1 TB header.
        ["header length"] = RawFile.WithClaimedLength(1UL << 40, new byte[64]),
        // Consistent shape and offsets describing 4 TB of F32 data that is not there.
        ["tensor range"] = RawFile.Build(
            $"{{\"w\":{{\"dtype\":\"F32\",\"shape\":[1048576,1048576],\"data_offsets\":[0,{FourTerabytes}]}}}}", new byte[64]),
        // Shape claims 4 TB while the range is small.
        ["tensor shape"] = RawFile.Build(
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1048576,1048576],\"data_offsets\":[0,64]}}", new byte[64]),
    };

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Terabyte_claims_are_refused_without_allocating(string caseName)
    {
        using var dir = new TempDir();
        byte[] bytes = Cases[caseName];
        string path = dir.Write("huge.safetensors", bytes);

        // Warm up JIT and type initialisation so only the refusal itself is measured.
        Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(path));

        long tensorsBefore = TensorCensus.CreatedOnThisThread;
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<CheckpointFormatException>(() => SafeTensors.ReadHeader(path));
        Assert.Throws<CheckpointFormatException>(() => SafeTensors.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 0, 4 * bytes.Length + Overhead);
        // Native memory is not in the managed count: no tensor may be made either, not even one freed again.
        Assert.Equal(0, TensorCensus.CreatedOnThisThread - tensorsBefore);
    }
}
