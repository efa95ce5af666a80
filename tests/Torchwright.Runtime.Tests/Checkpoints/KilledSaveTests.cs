using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using TorchSharp;
using Torchwright.Runtime.Checkpoints;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>
/// A process saving checkpoints in a loop is killed (SIGKILL) at random moments; every time, the checkpoint on disk
/// must load and hold one whole generation: the last one the process reported saved, or the one it was renaming
/// into place when it died.
/// </summary>
public sealed class KilledSaveTests(ITestOutputHelper output)
{
    private const int Kills = 8;
    private const int Megabytes = 16;

    [Fact]
    public void Killing_a_saving_process_always_leaves_a_whole_checkpoint()
    {
        var random = new Random(20261129);
        int midWrite = 0;
        for (int kill = 0; kill < Kills; kill++)
        {
            using var dir = new TempDir();
            string path = dir.File("model.safetensors");
            var (reported, killedDuringWrite) = RunAndKill(path, delay: TimeSpan.FromMilliseconds(random.Next(0, 200)));
            if (killedDuringWrite) midWrite++;

            var tensors = SafeTensors.Load(path);
            try
            {
                long generation = tensors["generation"].item<long>();
                Assert.InRange(generation, reported, reported + 1);
                var data = tensors["data"];
                Assert.Equal(Megabytes * (1L << 20) / sizeof(float), data.numel());
                Assert.True(data.eq((float)generation).all().item<bool>(), $"kill {kill}: the data is not all generation {generation}");
                output.WriteLine($"kill {kill}: process reported generation {reported}, file holds {generation}, temporary file left: {killedDuringWrite}");
            }
            finally
            {
                foreach (var tensor in tensors.Values) tensor.Dispose();
            }
        }
        output.WriteLine($"{midWrite} of {Kills} kills landed while a temporary file was being written");
        // Most of the loop is writing, so kills that miss every write would mean the test exercised nothing.
        Assert.True(midWrite > 0, "no kill landed during a write");
    }

    private static (long Reported, bool KilledDuringWrite) RunAndKill(string path, TimeSpan delay)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "Torchwright.CheckpointWriter.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(writer);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(Megabytes.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the checkpoint writer");
        long reported = 0;
        using var firstSave = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("saved ", StringComparison.Ordinal))
            {
                Interlocked.Exchange(ref reported, long.Parse(line.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture));
                firstSave.Set();
            }
        };
        process.BeginOutputReadLine();
        try
        {
            if (!firstSave.Wait(TimeSpan.FromSeconds(60)))
                throw new TimeoutException($"the checkpoint writer saved nothing within a minute: {process.StandardError.ReadToEnd()}");
            Thread.Sleep(delay);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        bool leftover = Directory.GetFiles(Path.GetDirectoryName(path)!).Any(f => f.Contains(".tmp-", StringComparison.Ordinal));
        return (Interlocked.Read(ref reported), leftover);
    }
}
