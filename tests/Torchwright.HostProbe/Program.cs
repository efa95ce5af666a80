using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

// Usage: Torchwright.HostProbe
// Makes a block first, then on the main thread makes a 16 MB tensor (a large GPT's activation), writes every element
// and frees it, three times to settle and three times counted, then makes it once more. Prints the host-memory state,
// the page faults of the counted three and the name of the mapping that holds the last one ("[heap]": glibc's heap).
// Then makes, fills and frees a 128 MB tensor, prints how much memory glibc's heap still holds from the system, and
// prints the page faults of doing it again: few where glibc kept the block, hundreds where it gave it back (unmapped it,
// or trimmed its heap's top). The held bytes decide: a kept block is not always reused (a page-aligned request needs room
// beside it, and the runtime's other threads allocate meanwhile), and then the heap grows by a fresh block that faults
// in just the same.
using (new Linear(4, 4))
{
}
const long floats = 4L << 20;
MakeAndFree(3); // the heap settles: a page-aligned block can only reuse a freed one with room to spare beside it
var before = MinorPageFaults();
MakeAndFree(3);
var faults = MinorPageFaults() - before;
string mapping;
using (var tensor = empty(new[] { floats }))
{
    mapping = MappingOf((ulong)THSTensor_data(tensor.Handle));
}
MakeAndFree(1, floats * 8);
var heldAfterFree = HeapBytesHeld();
var refillBefore = MinorPageFaults();
MakeAndFree(1, floats * 8);
var refaults = MinorPageFaults() - refillBefore;
Console.WriteLine($"mode {HostMemory.Mode}");
Console.WriteLine($"active {HugePages.Active}");
Console.WriteLine($"faults {faults}");
Console.WriteLine($"mapping {mapping}");
Console.WriteLine($"held {heldAfterFree}");
Console.WriteLine($"refaults {refaults}");
Console.WriteLine($"reason {HugePages.Reason}");
return 0;

static void MakeAndFree(int times, long length = floats)
{
    for (var i = 0; i < times; i++)
    {
        using var tensor = empty(new[] { length });
        tensor.fill_(1);
    }
}

// The name of the memory mapping holding an address: "[heap]" for glibc's main heap, empty for an anonymous mapping.
static string MappingOf(ulong address)
{
    foreach (var line in File.ReadLines("/proc/self/maps"))
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        var range = fields[0].Split('-');
        ulong start = ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        ulong end = ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (address >= start && address < end)
        {
            return fields.Length > 5 ? fields[5].Trim() : "";
        }
    }
    return "unmapped";
}

[DllImport("LibTorchSharp")]
static extern IntPtr THSTensor_data(IntPtr handle);

// Bytes of heap that glibc holds from the system, in use or free (mallinfo2's arena, all arenas), or -1 without
// mallinfo2 (glibc before 2.33, another C library).
static long HeapBytesHeld()
{
    try
    {
        return (long)mallinfo2().Arena;
    }
    catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
    {
        return -1;
    }
}

[DllImport("libc")]
static extern MallocInfo mallinfo2();

// Field 10 of /proc/self/stat: the process's minor page faults so far.
static long MinorPageFaults()
{
    var stat = File.ReadAllText("/proc/self/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return long.Parse(fields[7], CultureInfo.InvariantCulture);
}

// glibc's struct mallinfo2: ten size_t counters, of which the first is read.
[StructLayout(LayoutKind.Sequential)]
internal struct MallocInfo
{
    public nuint Arena;
    public nuint OrdinaryBlocks;
    public nuint FastBlocks;
    public nuint MappedBlocks;
    public nuint MappedBytes;
    public nuint MaxTotal;
    public nuint FastBytes;
    public nuint UsedBytes;
    public nuint FreeBytes;
    public nuint KeepCost;
}
