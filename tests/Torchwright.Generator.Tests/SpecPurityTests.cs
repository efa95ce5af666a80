using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Torchwright.Generator.Specs;
using Xunit;

namespace Torchwright.Generator.Tests;

/// <summary>
/// A spec must hold plain values only: a symbol, syntax node, location or compilation inside it would
/// keep whole compilations alive and defeat caching.
/// </summary>
public class SpecPurityTests
{
    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation), typeof(SemanticModel),
        typeof(SyntaxToken), typeof(AttributeData), typeof(TypedConstant),
    };

    [Theory]
    [InlineData("Torchwright.Models.Gpt.ByteGpt", null)]
    [InlineData("Demo.Tagger", nameof(TestSources.BlockAndModel))]
    [InlineData("Demo.GatedMlp", nameof(TestSources.BlockAndModel))]
    [InlineData("Demo.Nested.Zoo+Pair", nameof(TestSources.NestedWithEntries))]
    public void Spec_graph_reaches_no_compiler_objects(string typeName, string? sourceName)
    {
        var source = sourceName is null
            ? GeneratorHarness.ModelSource("Gpt/ByteGpt.cs")
            : (string)typeof(TestSources).GetField(sourceName)!.GetValue(null)!;
        var spec = GeneratorHarness.Parse(typeName, source).Spec;
        Assert.NotNull(spec);

        var visited = 0;
        Walk(spec!, new HashSet<object>(ReferenceEqualityComparer.Instance), "spec", ref visited);

        Assert.True(visited > 20, $"the walker visited only {visited} objects; it is not looking inside the spec");
    }

    [Fact]
    public void Walker_catches_a_smuggled_symbol()
    {
        var compilation = GeneratorHarness.Compile("class C { }");
        var holder = new List<object> { compilation.GetTypeByMetadataName("C")! };
        var visited = 0;

        Assert.ThrowsAny<Exception>(() => Walk(holder, new HashSet<object>(ReferenceEqualityComparer.Instance), "holder", ref visited));
    }

    private static void Walk(object value, HashSet<object> seen, string path, ref int visited)
    {
        var type = value.GetType();
        if (Forbidden.Any(forbidden => forbidden.IsAssignableFrom(type)))
        {
            throw new Xunit.Sdk.XunitException($"{path} holds a {type.Name}");
        }
        if (type.IsPrimitive || type.IsEnum || value is string || !seen.Add(value))
        {
            return;
        }
        visited++;
        if (value is IEnumerable sequence)
        {
            var index = 0;
            foreach (var item in sequence)
            {
                if (item is not null)
                {
                    Walk(item, seen, $"{path}[{index}]", ref visited);
                }
                index++;
            }
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
            {
                return;
            }
        }
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.GetValue(value) is { } child)
            {
                Walk(child, seen, $"{path}.{field.Name}", ref visited);
            }
        }
    }
}
