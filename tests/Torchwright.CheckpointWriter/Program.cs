using System;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;

// Usage: Torchwright.CheckpointWriter <path> <megabytes>
// Saves generation 1, 2, 3, … to <path> without pause, every tensor of generation n filled with n, and prints
// "saved n" after each save returns. It never stops by itself: the test kills it.
if (args.Length != 2 || !int.TryParse(args[1], out int megabytes) || megabytes <= 0)
{
    Console.Error.WriteLine("usage: Torchwright.CheckpointWriter <path> <megabytes>");
    return 2;
}

long elements = megabytes * (1L << 20) / sizeof(float);
for (long generation = 1; ; generation++)
{
    using var scope = torch.NewDisposeScope();
    var data = torch.full(new[] { elements }, (float)generation);
    var stamp = torch.tensor(new[] { generation });
    SafeTensors.Save(args[0], [("data", data), ("generation", stamp)]);
    Console.Out.WriteLine($"saved {generation}");
    Console.Out.Flush();
}
