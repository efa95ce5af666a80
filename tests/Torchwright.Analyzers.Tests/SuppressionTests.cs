using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Torchwright.Analyzers.Tests.Harness;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>
/// Every family can be silenced the usual ways: <c>#pragma warning disable</c> around the code, and a
/// severity in .editorconfig (here <c>none</c>, and a raised severity for an Info).
/// </summary>
public class SuppressionTests
{
    private const string Config = "public sealed record C(int Vocab = 100, int Dim = 64, int Heads = 3);\n";

    // One source with a problem of every family; {0}..{3} are where pragmas go.
    private static string Source(string before, string after, Markup markup) => "using TorchSharp;\n" + Verify.Usings + Config + $$"""
        [Model(typeof(C))]
        public partial class M
        {
        {{before}}
            [Linear("Dim", {{Mark("TW1004", "\"Dimm\"", markup)}})] private partial Tensor Broken(Tensor x);
        {{after}}
            [Forward] public Tensor Forward([Shape("B,Dim")] Tensor x) => Broken(x);
        }

        [Model(typeof(C))]
        public partial class N
        {
            [Linear("Dim", "Vocab")] private partial Tensor Head(Tensor x);
        {{before}}
            [Attention("Dim", {{Mark("TW2001", "\"Heads\"", markup)}})] private partial Tensor Attn(Tensor x);
        {{after}}

            [Forward]
            [Capturable]
            public Tensor Forward([Shape("B,T,Dim")] Tensor x, Tensor {{Mark("TW3007", "unshaped", markup)}})
            {
        {{before}}
                var sum = {{Mark("TW3004", "x + Head(x)", markup)}};
                var v = {{Mark("TW4001", "x.sum().item<float>()", markup)}};
        {{after}}
                return Attn(x) * v + unshaped;
            }
        }
        """;

    private enum Markup
    {
        None,
        Ids,
        Indices,
        GeneratorSummary,
    }

    private static readonly string[] Order = { "TW0001", "TW1004", "TW2001", "TW3007", "TW3004", "TW4001" };

    // {|TW3004:text|} expects the ID at its default severity; {|#3:text|} only names the place.
    private static string Mark(string id, string text, Markup markup) => markup switch
    {
        // The generator's TW0001 summary stands where the first TW1xxx does.
        Markup.Ids => id.StartsWith("TW1", StringComparison.Ordinal) ? $"{{|TW0001:{{|{id}:{text}|}}|}}" : $"{{|{id}:{text}|}}",
        Markup.Indices => $"{{|#{Array.IndexOf(Order, id)}:{text}|}}",
        Markup.GeneratorSummary when id == "TW1004" => $"{{|#0:{text}|}}",
        _ => text,
    };

    [Fact]
    public Task Without_suppression_every_family_is_reported()
        => Verify.Analyzer(new[] { Source("", "", Markup.Ids) }, Array.Empty<DiagnosticResult>(), compilerErrors: false);

    // The generator cannot expand M whatever the analyzers may say: its summary TW0001 stays, at the
    // TW1004's place. It is reported by the generator at a file location, which #pragma and per-file
    // .editorconfig sections cannot reach; a global config can (see the last test).
    private static readonly DiagnosticResult GeneratorSummary = new DiagnosticResult("TW0001", DiagnosticSeverity.Error).WithLocation(0);

    [Fact]
    public Task Pragma_warning_disable_silences_each_family()
        => Verify.Analyzer(new[]
        {
            Source("#pragma warning disable TW1004, TW2001, TW3004, TW4001", "#pragma warning restore TW1004, TW2001, TW3004, TW4001", Markup.GeneratorSummary)
                .Replace("Tensor unshaped", "\n#pragma warning disable TW3007\n        Tensor unshaped\n#pragma warning restore TW3007\n        "),
        }, new[] { GeneratorSummary }, compilerErrors: false);

    [Fact]
    public Task Editorconfig_severity_none_silences_each_family()
        => Verify.Analyzer(new[] { Source("", "", Markup.GeneratorSummary) }, new[] { GeneratorSummary },
            editorConfig: """
                root = true

                [*]
                dotnet_diagnostic.TW1004.severity = none
                dotnet_diagnostic.TW2001.severity = none
                dotnet_diagnostic.TW3004.severity = none
                dotnet_diagnostic.TW3007.severity = none
                dotnet_diagnostic.TW4001.severity = none
                """, compilerErrors: false);

    [Fact]
    public Task A_global_config_silences_every_family_the_generator_included()
        => Verify.Analyzer(new[] { Source("", "", Markup.None) }, Array.Empty<DiagnosticResult>(),
            editorConfig: """
                is_global = true

                dotnet_diagnostic.TW0001.severity = none
                dotnet_diagnostic.TW1004.severity = none
                dotnet_diagnostic.TW2001.severity = none
                dotnet_diagnostic.TW3004.severity = none
                dotnet_diagnostic.TW3007.severity = none
                dotnet_diagnostic.TW4001.severity = none
                """, compilerErrors: false);

    [Fact]
    public Task Editorconfig_can_change_a_severity()
        => Verify.Analyzer(new[] { Source("", "", Markup.Indices) },
            Order.Select((id, i) => new DiagnosticResult(id, id == "TW4001" ? DiagnosticSeverity.Info : DiagnosticSeverity.Error).WithLocation(id == "TW0001" ? 1 : i)).ToArray(),
            editorConfig: """
                root = true

                [*]
                dotnet_diagnostic.TW3007.severity = error
                dotnet_diagnostic.TW4001.severity = suggestion
                """, compilerErrors: false);
}
