using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Torchwright.Analyzers.Tests.Harness;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>The docs pages do not lie: each wrong example gets its ID, each right example gets nothing.</summary>
public class DocsExampleTests
{
    private static readonly string Docs = Path.Combine(AppContext.BaseDirectory, "DiagnosticDocs");

    public static IEnumerable<object[]> Pages()
        => Directory.EnumerateFiles(Docs, "TW*.md").Select(Path.GetFileNameWithoutExtension)
            .Where(id => !id!.StartsWith("TW0", StringComparison.Ordinal)).OrderBy(id => id).Select(id => new object[] { id! });

    private static string? Example(string page, string section)
    {
        var match = Regex.Match(page, $@"## {section}\s+```csharp\n(.*?)```", RegexOptions.Singleline);
        return match.Success && match.Groups[1].Value.Contains("[Model(", StringComparison.Ordinal) ? match.Groups[1].Value : null;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Wrong_example_gets_its_ID_and_right_example_gets_nothing(string id)
    {
        var page = File.ReadAllText(Path.Combine(Docs, id + ".md"));
        if (Example(page, "Wrong") is { } wrong)
        {
            Assert.Contains(Verify.Diagnostics(wrong), d => d.Id == id);
        }
        if (Example(page, "Right") is { } right)
        {
            Assert.Empty(Verify.Diagnostics(right));
            Assert.Empty(Verify.CompilerErrors(right));
        }
    }
}
