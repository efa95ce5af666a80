using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Torchwright.Generator.Specs;

namespace Torchwright.Generator.Diagnostics;

/// <summary>A location kept as plain values, so that it can travel through the cached pipeline.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    /// <summary>The location in <paramref name="compilation"/>'s tree of that file, so that #pragma and suppressions
    /// apply; a plain file location when the tree is gone or no longer that long.</summary>
    public Location ToLocation(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == FilePath && Span.End <= tree.Length)
            {
                return Location.Create(tree, Span);
            }
        }
        return ToLocation();
    }

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null)
        {
            return null;
        }
        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}

/// <summary>A named value a code fix can read from a diagnostic.</summary>
internal sealed record DiagnosticProperty(string Key, string Value)
{
    public const string UnknownName = "UnknownName";
    public const string Suggestion = "Suggestion";
}

/// <summary>A diagnostic kept as plain values: descriptor id, message arguments, location and properties.</summary>
internal sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, LocationInfo? Location, EquatableArray<DiagnosticProperty> Properties)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
        => new(descriptor.Id, arguments.ToEquatableArray(), LocationInfo.From(location), EquatableArray<DiagnosticProperty>.Empty);

    public Diagnostic ToDiagnostic(Compilation? compilation = null) => ToDiagnostic(Descriptors.Get(Id), Arguments, compilation);

    /// <summary>This problem reported as <paramref name="descriptor"/> with <paramref name="arguments"/>, at the same place
    /// (in <paramref name="compilation"/>'s syntax tree when one is given).</summary>
    public Diagnostic ToDiagnostic(DiagnosticDescriptor descriptor, IReadOnlyList<string> arguments, Compilation? compilation = null)
    {
        var args = new object[arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = arguments[i];
        }
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        foreach (var property in Properties)
        {
            properties[property.Key] = property.Value;
        }
        var location = Location is null ? Microsoft.CodeAnalysis.Location.None
            : compilation is null ? Location.ToLocation() : Location.ToLocation(compilation);
        return Diagnostic.Create(descriptor, location, properties.ToImmutable(), args);
    }
}
