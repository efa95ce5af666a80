using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Torchwright.Analyzers.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Torchwright.Analyzers.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of the generator and analyzers. The normal test run checks a seeded sample of mutants; set
/// TORCHWRIGHT_FUZZ_MUTANTS (e.g. 10000) and TORCHWRIGHT_FUZZ_SEED for a full run:
/// <c>TORCHWRIGHT_FUZZ_MUTANTS=10000 dotnet test tests/Torchwright.Analyzers.Tests -c Release --filter "FullyQualifiedName~Fuzz" --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int QuickMutants = 40;

    [Fact]
    public void Every_unit_is_valid_before_mutation()
    {
        var references = TestReferences.All;
        foreach (var unit in FuzzUnit.All())
        {
            var outcome = FuzzRun.Run(unit.Files, references);
            Assert.False(outcome.Hung, unit.Name + " hung");
            Assert.Empty(outcome.Escaped);
            Assert.False(outcome.HasTorchwrightDiagnostic, unit.Name + " has a Torchwright diagnostic before mutation");
            Assert.False(outcome.Owed, unit.Name + " does not compile before mutation");
        }
    }

    [Fact]
    public void Mutants_never_crash_the_compiler_and_contract_breaks_are_diagnosed()
    {
        int count = Setting("TORCHWRIGHT_FUZZ_MUTANTS", QuickMutants);
        int seed = Setting("TORCHWRIGHT_FUZZ_SEED", 20261129);
        var random = new Random(seed);
        var units = FuzzUnit.All();
        var references = TestReferences.All;
        // Mutants are drawn in order from the seed, then judged in parallel: the outcome does not depend on the order.
        var wall = Stopwatch.StartNew();
        var mutants = new List<Mutant>(count);
        while (mutants.Count < count)
        {
            var unit = units[random.Next(units.Length)];
            int file = random.Next(unit.Files.Length);
            if (Mutator.Mutate(unit.Name, file, unit.Files[file].Text, random) is { } mutant) mutants.Add(mutant);
        }
        var byName = units.ToDictionary(u => u.Name);
        var results = new (Mutant Mutant, FuzzRun.Outcome Outcome, double Milliseconds)[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var mutant = mutants[i];
            var unit = byName[mutant.Unit];
            var files = unit.Files.SetItem(mutant.File, (unit.Files[mutant.File].Path, mutant.Text));
            var clock = Stopwatch.StartNew();
            var outcome = FuzzRun.Run(files, references);
            results[i] = (mutant, outcome, clock.Elapsed.TotalMilliseconds);
        });

        var failures = new List<string>();
        var perKind = new Dictionary<MutationKind, (int Count, int Diagnosed)>();
        var times = results.Select(r => r.Milliseconds).ToList();
        int owed = 0;
        foreach (var (mutant, outcome, _) in results)
        {
            if (outcome.Owed) owed++;
            var (kindCount, diagnosed) = perKind.GetValueOrDefault(mutant.Kind);
            perKind[mutant.Kind] = (kindCount + 1, diagnosed + (outcome.HasTorchwrightDiagnostic ? 1 : 0));
            if (!outcome.Passed(mutant.BreaksContract))
            {
                string why = outcome.Hung ? $"hung for more than {FuzzRun.Limit.TotalSeconds} s"
                    : outcome.Escaped.Count > 0 ? "escaped: " + string.Join(" | ", outcome.Escaped)
                    : "no TW diagnostic although " + (mutant.BreaksContract ? "the contract is broken" : "generated code fails to compile");
                failures.Add($"{mutant.Unit} file {mutant.File}, {mutant.Kind}: {mutant.Description}: {why}");
            }
        }

        times.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} mutants (seed {seed}) over {units.Length} units, {Environment.ProcessorCount} in parallel, in {wall.Elapsed.TotalSeconds:F0} s: {failures.Count} failures; time per mutant median {times[count / 2]:F0} ms, " +
            $"mean {times.Average():F0} ms, max {times[^1]:F0} ms; {owed} mutants owed a diagnostic for failed generated code"));
        foreach (var (kind, (n, diagnosed)) in perKind.OrderBy(p => p.Key))
            output.WriteLine($"  {kind}: {n} mutants, {diagnosed} with a TW diagnostic");
        foreach (var failure in failures.Take(20))
            output.WriteLine("FAIL " + failure);
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} mutants failed; first: {failures.FirstOrDefault()}");
    }

    private static int Setting(string name, int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
