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
// Then makes, fills and frees a 128 MB tensor twice and prints the page faults of the second time: none where glibc
// keeps freed memory, thousands where it gave the block back (unmapped it, or trimmed its heap's top).
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
var refillBefore = MinorPageFaults();
MakeAndFree(1, floats * 8);
var refaults = MinorPageFaults() - refillBefore;
Console.WriteLine($"mode {HostMemory.Mode}");
Console.WriteLine($"active {HugePages.Active}");
Console.WriteLine($"faults {faults}");
Console.WriteLine($"mapping {mapping}");
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

// Field 10 of /proc/self/stat: the process's minor page faults so far.
static long MinorPageFaults()
{
    var stat = File.ReadAllText("/proc/self/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return long.Parse(fields[7], CultureInfo.InvariantCulture);
}
