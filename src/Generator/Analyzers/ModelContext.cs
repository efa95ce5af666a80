using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Torchwright.Generator.Catalogue;
using Torchwright.Generator.Parsing;
using Torchwright.Generator.Shapes;
using Torchwright.Generator.Specs;

namespace Torchwright.Generator.Analyzers;

/// <summary>
/// A [Model] or [Block] class as the analyzers see it: the generator's own spec (so that what is checked
/// is exactly what is generated), the symbols behind it, and the configuration's compile-time defaults.
/// Only classes whose spec reads without contract errors get one; those errors are TW1xxx's business.
/// </summary>
internal sealed class ModelContext
{
    private readonly Dictionary<string, long> defaults;

    private ModelContext(INamedTypeSymbol type, ModelSpec spec)
    {
        Type = type;
        Spec = spec;
        ConfigNames = new HashSet<string>(spec.Config.Members.Select(member => member.Name), StringComparer.Ordinal);
        defaults = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var member in spec.Config.Members)
        {
            if (long.TryParse(member.DefaultValue, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                defaults[member.Name] = value;
            }
        }
        Known = name => defaults.TryGetValue(name, out var value) ? value : null;
        ConfigType = ConfigTypeOf(type);
    }

    public INamedTypeSymbol Type { get; }

    public ModelSpec Spec { get; }

    public INamedTypeSymbol? ConfigType { get; }

    public HashSet<string> ConfigNames { get; }

    /// <summary>Configuration defaults that are integers, by member name.</summary>
    public Func<string, long?> Known { get; }

    public static AttributeData? ModelAttribute(INamedTypeSymbol type)
        => type.GetAttributes().FirstOrDefault(a => a.AttributeClass is { } c
            && SymbolText.MetadataName(c) is LayerCatalogue.ModelAttribute or LayerCatalogue.BlockAttribute);

    /// <summary>The context of <paramref name="type"/>, or null when it is not a model or block the generator can expand.</summary>
    public static ModelContext? Create(INamedTypeSymbol type, CancellationToken cancellation)
    {
        var attribute = ModelAttribute(type);
        if (attribute is null)
        {
            return null;
        }
        var isBlock = SymbolText.MetadataName(attribute.AttributeClass!) == LayerCatalogue.BlockAttribute;
        var result = ModelParser.Parse(type, attribute, isBlock, cancellation);
        return result.Spec is { } spec ? new ModelContext(type, spec) : null;
    }

    private static INamedTypeSymbol? ConfigTypeOf(INamedTypeSymbol type)
        => ModelAttribute(type) is { ConstructorArguments.Length: 1 } attribute ? attribute.ConstructorArguments[0].Value as INamedTypeSymbol : null;

    public LayerSpec? Layer(string methodName) => Spec.Layers.FirstOrDefault(layer => layer.MethodName == methodName);

    public ForwardSpec? Forward(string methodName) => Spec.Forwards.FirstOrDefault(forward => forward.MethodName == methodName);

    /// <summary>The primary forward, the one [Use] calls.</summary>
    public ForwardSpec? PrimaryForward => Spec.Forwards.OrderByDescending(forward => forward.MethodName == "Forward").FirstOrDefault();

    /// <summary>A layer argument as written, or the catalogue's default.</summary>
    public static string? RawArgument(LayerSpec layer, LayerKind kind, string name)
        => layer.Argument(name) ?? kind.Arguments.FirstOrDefault(argument => argument.Name == name)?.Default;

    /// <summary>A dimension argument of a layer as a symbolic value over configuration members; null when absent or unreadable.</summary>
    public static SymDim? DimensionArgument(LayerSpec layer, LayerKind kind, string name)
    {
        var argument = kind.Arguments.FirstOrDefault(a => a.Name == name);
        if (argument is null || argument.Kind is not (ArgumentKind.Dimension or ArgumentKind.OptionalDimension))
        {
            return null;
        }
        return SymDim.Parse(RawArgument(layer, kind, name));
    }

    /// <summary>The method symbol of a layer or forward.</summary>
    public IMethodSymbol? Method(string name) => Type.GetMembers(name).OfType<IMethodSymbol>().FirstOrDefault();

    /// <summary>The layer attribute on a layer method.</summary>
    public AttributeData? LayerAttribute(string methodName)
        => Method(methodName)?.GetAttributes().FirstOrDefault(a =>
        {
            for (var current = a.AttributeClass?.BaseType; current is not null; current = current.BaseType)
            {
                if (SymbolText.MetadataName(current) == LayerCatalogue.LayerAttributeBase)
                {
                    return true;
                }
            }
            return false;
        });

    /// <summary>The block class a [Use] layer uses.</summary>
    public INamedTypeSymbol? BlockType(LayerSpec layer)
        => layer.Block is null ? null : LayerAttribute(layer.MethodName) is { ConstructorArguments.Length: > 0 } attribute
            ? attribute.ConstructorArguments[0].Value as INamedTypeSymbol
            : null;

    /// <summary>
    /// What each member of the used block's configuration is, in this model's names: the [Use] argument
    /// passed to the constructor parameter of the same name, else the parameter's default, else unknown.
    /// </summary>
    public Func<string, SymDim?> BlockConfiguration(LayerSpec use, ModelContext block)
    {
        var map = new Dictionary<string, SymDim?>(StringComparer.Ordinal);
        var parameters = block.Spec.Config.ConstructorParameters;
        var arguments = use.Block?.ConfigArguments ?? EquatableArray<string>.Empty;
        foreach (var member in block.Spec.Config.Members)
        {
            var index = -1;
            for (var i = 0; i < parameters.Count; i++)
            {
                if (string.Equals(parameters[i], member.Name, StringComparison.OrdinalIgnoreCase))
                {
                    index = i;
                    break;
                }
            }
            map[member.Name] = index >= 0 && index < arguments.Count
                ? SymDim.Parse(arguments[index])
                : block.Known(member.Name) is { } value ? SymDim.Constant(value) : null;
        }
        return name => map.TryGetValue(name, out var value) ? value : null;
    }
}

/// <summary>Model contexts per type, for one compilation: each class is read once however many analyses ask.</summary>
internal sealed class ModelCache
{
    private readonly ConcurrentDictionary<INamedTypeSymbol, Lazy<ModelContext?>> contexts = new(SymbolEqualityComparer.Default);

    public ModelContext? Get(INamedTypeSymbol type, CancellationToken cancellation)
    {
        var key = type.OriginalDefinition;
        for (var attempt = 0; ; attempt++)
        {
            var entry = contexts.GetOrAdd(key, t => new Lazy<ModelContext?>(() => ModelContext.Create(t, cancellation)));
            try
            {
                return entry.Value;
            }
            catch (OperationCanceledException)
            {
                // A Lazy keeps its exception: forget a cancelled read, so that later callers read again. When the
                // cancelled token was another caller's, this one reads once more with its own.
                ((ICollection<KeyValuePair<INamedTypeSymbol, Lazy<ModelContext?>>>)contexts).Remove(new(key, entry));
                if (cancellation.IsCancellationRequested || attempt > 0)
                {
                    throw;
                }
            }
        }
    }
}
