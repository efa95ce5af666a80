using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Torchwright.Generator.Diagnostics;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>Every diagnostic has a help page and a release-tracking entry, and every page has a diagnostic.</summary>
public class DocsTests
{
    private static readonly string Docs = Path.Combine(AppContext.BaseDirectory, "DiagnosticDocs");

    [Fact]
    public void Every_descriptor_has_a_docs_page_with_what_why_and_examples()
    {
        foreach (var descriptor in Descriptors.All)
        {
            var page = Path.Combine(Docs, descriptor.Id + ".md");
            Assert.True(File.Exists(page), $"docs/diagnostics/{descriptor.Id}.md is missing");
            Assert.Equal($"{HelpLinks.Root}{descriptor.Id}.md", descriptor.HelpLinkUri);
            var text = File.ReadAllText(page);
            Assert.StartsWith($"# {descriptor.Id}:", text);
            foreach (var section in new[] { "## What", "## Why", "## Wrong", "## Right" })
            {
                Assert.True(text.Contains(section, StringComparison.Ordinal), $"{descriptor.Id}.md lacks '{section}'");
            }
            Assert.Contains(descriptor.DefaultSeverity.ToString(), text);
        }
    }

    [Fact]
    public void Every_docs_page_belongs_to_a_descriptor()
    {
        var ids = Descriptors.All.Select(descriptor => descriptor.Id).ToHashSet();
        var pages = Directory.EnumerateFiles(Docs, "TW*.md").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.Contains(page!, ids));
    }

    [Fact]
    public void Release_tracking_lists_every_descriptor_with_its_category_and_severity()
    {
        var unshipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Releases", "AnalyzerReleases.Unshipped.md"));
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Releases", "AnalyzerReleases.Shipped.md"));
        var rows = Regex.Matches(unshipped + shipped, @"^(TW\d{4}) \| ([\w.]+) \| (\w+) \|", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => (Category: m.Groups[2].Value, Severity: m.Groups[3].Value));
        foreach (var descriptor in Descriptors.All)
        {
            Assert.True(rows.TryGetValue(descriptor.Id, out var row), $"{descriptor.Id} is not in the release tracking files");
            Assert.Equal(descriptor.Category, row.Category);
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row.Severity);
        }
        Assert.Equal(Descriptors.All.Count, rows.Count);
    }
}
