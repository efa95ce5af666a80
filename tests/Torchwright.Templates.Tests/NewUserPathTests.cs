using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Templates.Tests;

/// <summary>
/// The path a new user takes, offline: <c>dotnet new</c> every template and option from the packed template pack,
/// restore against the packed packages only, build with warnings as errors, train each created model for a few
/// steps, and run the created tests (the model's and a block's parity test added with <c>torchwright-block</c>).
/// </summary>
[Collection(nameof(PackedTemplates))]
public class NewUserPathTests(PackedTemplates packed, ITestOutputHelper output)
{
    private const int TrainingSteps = 3;
    private static readonly TimeSpan Short = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(15);

    /// <summary>Every family; the default (gpt) keeps its tests, the others cover <c>--tests false</c>.</summary>
    private static readonly (string Name, string Family, bool Tests)[] Models =
    {
        ("Gpt", "gpt", true), ("Ftp", "ftp", false), ("Mrt5", "mrt5", false), ("Hat", "hat", false),
    };

    [Fact]
    public void Templates_create_projects_that_build_train_and_pass_their_tests_offline()
    {
        packed.EnsureReady();
        var work = Directory.CreateDirectory(Path.Combine(packed.Root, "work")).FullName;
        var globalPackages = Path.Combine(packed.Root, "global-packages");
        IsolatedNuGetConfig.Write(work, packed.Packages, globalPackages);

        foreach (var (name, family, tests) in Models)
            CreateModel(work, name, family, tests);
        var blockFolder = Path.Combine(work, "Gpt", "tests", "Gpt.Tests");
        Dotnet(blockFolder, Short, "new", "torchwright-block", "-n", "GatedBlock", "--debug:custom-hive", packed.Hive).EnsureSuccess();
        Assert.True(File.Exists(Path.Combine(blockFolder, "GatedBlock.cs")), "torchwright-block wrote no GatedBlock.cs");
        Assert.True(File.Exists(Path.Combine(blockFolder, "GatedBlockParityTests.cs")), "torchwright-block wrote no GatedBlockParityTests.cs");

        // One build for all of them: restore and evaluation are paid once. Every program and test project copies
        // TorchSharp's native libraries for all platforms (about 1.2 GB); hard links from the package cache keep
        // that off the disk. The platform fix replaces its library by rename, so it never writes through a link.
        var solution = WriteSolution(work);
        var build = Dotnet(work, Long, "build", solution, "-c", "Release", "-tl:off", "--nologo",
            "-p:CreateHardLinksForCopyLocalIfPossible=true").EnsureSuccess();
        Assert.Matches(@"\b0 Warning\(s\)", build.Output);
        Assert.True(Directory.Exists(Path.Combine(globalPackages, "torchwright", packed.Version)),
            $"Torchwright {packed.Version} was not restored into the isolated packages folder {globalPackages}");

        foreach (var (name, _, _) in Models)
            Train(work, name);

        var test = Dotnet(work, Long, "test", Path.Combine("Gpt", "tests", "Gpt.Tests"), "-c", "Release", "--no-build", "--nologo").EnsureSuccess();
        var summary = Regex.Match(test.Output, @"Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+), Total:\s+(\d+)");
        Assert.True(summary.Success, "no test summary in:\n" + test.Output);
        output.WriteLine("created tests: " + summary.Value);
        Assert.Equal("0", summary.Groups[1].Value);
        Assert.Equal("5", summary.Groups[2].Value); // 2 model tests + 3 block parity tests
    }

    private void CreateModel(string work, string name, string family, bool tests)
    {
        Dotnet(work, Short, "new", "torchwright-model", "-n", name, "--family", family, "--tests", tests ? "true" : "false",
            "--debug:custom-hive", packed.Hive).EnsureSuccess();
        var root = Path.Combine(work, name);
        foreach (var file in new[] { $"{name}.slnx", $"src/{name}/{name}.cs", $"src/{name}/{name}Task.cs", $"src/{name}.Train/Program.cs" })
            Assert.True(File.Exists(Path.Combine(root, file)), $"{family}: {file} was not created");
        Assert.Equal(tests, Directory.Exists(Path.Combine(root, "tests")));
        Assert.Equal(tests, File.ReadAllText(Path.Combine(root, $"{name}.slnx")).Contains($"{name}.Tests.csproj"));
        Assert.DoesNotContain("families", Directory.GetDirectories(root));
        var modelSource = File.ReadAllText(Path.Combine(root, "src", name, $"{name}.cs"));
        Assert.Contains($"public partial class {name}", modelSource);
    }

    private void Train(string work, string name)
    {
        var outputFolder = Path.Combine(work, "runs", name);
        var program = Path.Combine(work, name, "src", $"{name}.Train", "bin", "Release", "net10.0", $"{name}.Train.dll");
        var run = Dotnet(Path.Combine(work, name), Long, program, "--steps", TrainingSteps.ToString(), "--output", outputFolder).EnsureSuccess();
        Assert.Contains($"step {TrainingSteps}/{TrainingSteps}", run.Output);
        foreach (var file in new[] { "metrics.jsonl", "loss.png", $"{name}.safetensors" })
            Assert.True(File.Exists(Path.Combine(outputFolder, file)), $"{name}: training wrote no {file}:\n{run.Output}");
        var losses = Regex.Matches(run.Output, @"loss ([0-9.]+)").Select(m => m.Groups[1].Value);
        output.WriteLine($"{name}: losses {string.Join(", ", losses)}");
    }

    private static string WriteSolution(string work)
    {
        var projects = Directory.GetFiles(work, "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(work, path).Replace('\\', '/')).Order().ToList();
        var solution = Path.Combine(work, "all.slnx");
        File.WriteAllLines(solution, new[] { "<Solution>" }
            .Concat(projects.Select(p => $"  <Project Path=\"{p}\" />")).Append("</Solution>"));
        return solution;
    }

    private CommandResult Dotnet(string folder, TimeSpan timeout, params string[] arguments)
        => CommandLine.Dotnet(folder, arguments, timeout, output);
}
