using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;

namespace Torchwright.Analyzers.Tests;

/// <summary>
/// docs/contract.md is written by hand beside the XML documentation; this keeps it complete: every public attribute and
/// enum of Torchwright.Abstractions has its section, and every constructor argument, settable property and enum member
/// its row or mention there.
/// </summary>
public class ContractDocsTests
{
    private static readonly Assembly Abstractions = typeof(ModelAttribute).Assembly;
    private static readonly Dictionary<string, string> Sections = ReadSections();

    [Fact]
    public void Every_attribute_has_a_section_with_its_arguments_and_properties()
    {
        var attributes = Abstractions.GetExportedTypes().Where(type => typeof(Attribute).IsAssignableFrom(type)).ToList();
        Assert.NotEmpty(attributes);
        foreach (var type in attributes)
        {
            var heading = $"`[{type.Name[..^"Attribute".Length]}]`";
            Assert.True(Sections.TryGetValue(heading, out var section), $"docs/contract.md has no section {heading}");
            var names = type.GetConstructors().SelectMany(ctor => ctor.GetParameters()).Select(parameter => parameter.Name!)
                .Concat(type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .Where(property => property.SetMethod is { IsPublic: true }).Select(property => property.Name));
            foreach (var name in names.Distinct())
            {
                Assert.True(section!.Contains($"| `{name}` |", StringComparison.Ordinal), $"{heading} in docs/contract.md has no row for `{name}`");
            }
        }
    }

    [Fact]
    public void Every_enum_has_a_section_naming_its_members()
    {
        var enums = Abstractions.GetExportedTypes().Where(type => type.IsEnum).ToList();
        Assert.NotEmpty(enums);
        foreach (var type in enums)
        {
            var heading = $"`{type.Name}`";
            Assert.True(Sections.TryGetValue(heading, out var section), $"docs/contract.md has no section {heading}");
            foreach (var member in Enum.GetNames(type))
            {
                Assert.True(section!.Contains($"`{member}`", StringComparison.Ordinal), $"{heading} in docs/contract.md does not name `{member}`");
            }
        }
    }

    // "### `[Linear]`" → its text up to the next heading.
    private static Dictionary<string, string> ReadSections()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ContractDocs", "contract.md"));
        return text.Split("\n### ").Skip(1)
            .Select(part => (Heading: part[..part.IndexOf('\n')].Trim(), Body: part))
            .ToDictionary(part => part.Heading, part => part.Body.Split("\n## ")[0]);
    }
}
