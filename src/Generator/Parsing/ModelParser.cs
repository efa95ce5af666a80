using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Torchwright.Generator.Catalogue;
using Torchwright.Generator.Diagnostics;
using Torchwright.Generator.Shapes;
using Torchwright.Generator.Specs;

namespace Torchwright.Generator.Parsing;

/// <summary>
/// Reads a <c>[Model]</c> or <c>[Block]</c> class into a <see cref="ModelSpec"/>. Everything it cannot
/// read becomes a "cannot expand" diagnostic; it never throws for bad user code.
/// </summary>
internal sealed class ModelParser
{
    private readonly INamedTypeSymbol type;
    private readonly CancellationToken cancellation;
    private readonly List<DiagnosticInfo> diagnostics = new();

    private ModelParser(INamedTypeSymbol type, CancellationToken cancellation)
    {
        this.type = type;
        this.cancellation = cancellation;
    }

    public static ModelParseResult Parse(INamedTypeSymbol type, AttributeData attribute, bool isBlock, CancellationToken cancellation)
    {
        var parser = new ModelParser(type, cancellation);
        var spec = parser.Read(attribute, isBlock);
        return new ModelParseResult(parser.diagnostics.Count == 0 ? spec : null, type.Name, parser.diagnostics.ToEquatableArray());
    }

    private ModelSpec? Read(AttributeData attribute, bool isBlock)
    {
        var typeSpec = ReadType();
        var config = ReadConfig(attribute);
        if (typeSpec is null || config is null)
        {
            return null;
        }
        var configNames = new HashSet<string>(config.Members.Select(member => member.Name));
        var layers = ReadLayers(configNames);
        var forwards = ReadForwards(layers);
        if (forwards.Count == 0)
        {
            Report(Descriptors.MissingForward, type.Locations.FirstOrDefault(), "it has no method marked [Forward]; add one that composes its layers");
        }
        CheckGeneratedMembers(forwards, isBlock, (INamedTypeSymbol)attribute.ConstructorArguments[0].Value!);
        var precision = attribute.NamedArguments.FirstOrDefault(argument => argument.Key == "Precision").Value;
        return new ModelSpec(typeSpec, isBlock, config, layers.ToEquatableArray(), forwards.ToEquatableArray(),
            SymbolText.Constant(precision) ?? "Float32");
    }

    private TypeSpec? ReadType()
    {
        var location = type.Locations.FirstOrDefault();
        if (type.TypeKind != TypeKind.Class || type.IsStatic)
        {
            Report(Descriptors.InvalidModelType, location, "only non-static classes can be models or blocks");
            return null;
        }
        if (type.IsGenericType)
        {
            Report(Descriptors.InvalidModelType, location, "generic classes are not supported; use the configuration for what varies");
            return null;
        }
        if (type.GetAttributes().Select(ModelOrBlock).Where(name => name is not null).Distinct().Count() > 1)
        {
            Report(Descriptors.InvalidModelType, location, "a class cannot be both [Model] and [Block]; a model can [Use] a block instead");
            return null;
        }
        // The generated half is written in a file of its own, where a file-local type is not visible.
        for (var declared = type; declared is not null; declared = declared.ContainingType)
        {
            if (declared.IsFileLocal)
            {
                Report(Descriptors.InvalidModelType, location, $"'{declared.Name}' is file-local; the generator's half of the class lives in another file, so it must not be");
                return null;
            }
        }
        if (!IsPartial(type))
        {
            Report(Descriptors.NotPartial, location, "the class must be declared 'partial' so that the generator can add to it");
            return null;
        }
        var containing = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer))
            {
                Report(Descriptors.NotPartial, location, $"the enclosing type '{outer.Name}' must be declared 'partial' too");
                return null;
            }
            containing.Insert(0, (outer.IsRecord ? "partial record " : outer.TypeKind == TypeKind.Struct ? "partial struct " : "partial class ") + Naming.Escape(outer.Name));
        }
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } space ? string.Join(".", space.ToDisplayString().Split('.').Select(Naming.Escape)) : "";
        return new TypeSpec(ns, type.Name, SymbolText.Accessibility(type.DeclaredAccessibility), containing.ToEquatableArray());
    }

    private static string? ModelOrBlock(AttributeData attribute)
    {
        var name = attribute.AttributeClass is { } c ? SymbolText.MetadataName(c) : null;
        return name is LayerCatalogue.ModelAttribute or LayerCatalogue.BlockAttribute ? name : null;
    }

    /// <summary>
    /// Whether <paramref name="attribute"/> is the first [Model] or [Block] of <paramref name="type"/>. Only that one is
    /// read: a second (both attributes, or one repeated on partial declarations) would give a second source of the same
    /// name, and Roslyn drops all of a generator's output then; the parser reports the mix.
    /// </summary>
    public static bool IsFirstModelAttribute(INamedTypeSymbol type, AttributeData attribute)
    {
        var first = type.GetAttributes().FirstOrDefault(a => ModelOrBlock(a) is not null)?.ApplicationSyntaxReference;
        var mine = attribute.ApplicationSyntaxReference;
        return first is null || mine is null || first.SyntaxTree == mine.SyntaxTree && first.Span == mine.Span;
    }

    private static bool IsPartial(INamedTypeSymbol symbol)
        => symbol.DeclaringSyntaxReferences.Length > 0 && symbol.DeclaringSyntaxReferences.All(reference =>
            reference.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    private ConfigSpec? ReadConfig(AttributeData attribute)
    {
        var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation();
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol configType
            || configType.TypeKind == TypeKind.Error)
        {
            Report(Descriptors.MissingConfiguration, location, "the attribute needs the configuration type, e.g. [Model(typeof(MyConfig))]");
            return null;
        }
        if (ConfigTypeProblem(configType) is { } problem)
        {
            Report(Descriptors.MissingConfiguration, location, problem);
            return null;
        }
        var constructor = configType.InstanceConstructors
            .Where(ctor => ctor.DeclaredAccessibility == Accessibility.Public)
            .OrderByDescending(ctor => ctor.Parameters.Length)
            .FirstOrDefault();
        var defaults = constructor?.Parameters
            .Where(parameter => parameter.HasExplicitDefaultValue)
            .ToDictionary(parameter => parameter.Name, parameter => DefaultText(parameter.ExplicitDefaultValue))
            ?? new Dictionary<string, string?>();
        var members = new List<ConfigMemberSpec>();
        foreach (var member in configType.GetMembers())
        {
            var memberType = member switch
            {
                IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public } property => property.Type,
                IFieldSymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, IsImplicitlyDeclared: false } field => field.Type,
                _ => null,
            };
            if (memberType is null || member.Name == "EqualityContract")
            {
                continue;
            }
            defaults.TryGetValue(member.Name, out var defaultValue);
            members.Add(new ConfigMemberSpec(member.Name, SymbolText.TypeName(memberType), defaultValue));
        }
        var parameters = constructor?.Parameters.Select(parameter => parameter.Name) ?? Enumerable.Empty<string>();
        return new ConfigSpec(SymbolText.TypeName(configType), members.ToEquatableArray(), parameters.ToEquatableArray(), IsEffectivelyPublic(configType));
    }

    // The generated constructor takes the configuration as a parameter and null-checks it ('config ?? throw'):
    // that needs a type an instance of which can be null, which a struct, an enum or a static class is not.
    private static string? ConfigTypeProblem(INamedTypeSymbol configType)
    {
        if (configType.IsUnboundGenericType)
        {
            return $"the configuration type '{configType.Name}<>' is an open generic type; name a closed one such as '{configType.Name}<int>', or a plain class";
        }
        if (configType.TypeKind is not (TypeKind.Class or TypeKind.Interface))
        {
            return $"the configuration type '{configType.Name}' is a {SymbolText.Kind(configType)}, but it must be a class or record class";
        }
        return configType.IsStatic ? $"the configuration type '{configType.Name}' must not be static: the model holds an instance of it" : null;
    }

    private static string? DefaultText(object? value) => value switch
    {
        null => null,
        bool flag => flag ? "true" : "false",
        System.IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private List<LayerSpec> ReadLayers(HashSet<string> configNames)
    {
        var layers = new List<LayerSpec>();
        var methods = type.GetMembers().OfType<IMethodSymbol>().ToList();
        foreach (var method in methods)
        {
            cancellation.ThrowIfCancellationRequested();
            var layerAttributes = method.GetAttributes().Where(IsLayerAttribute).ToList();
            if (layerAttributes.Count == 0)
            {
                continue;
            }
            var location = method.Locations.FirstOrDefault();
            if (layerAttributes.Count > 1)
            {
                Report(Descriptors.MultipleLayerAttributes, location, $"method '{method.Name}' has {layerAttributes.Count} layer attributes; a method is one layer");
                continue;
            }
            var layer = ReadLayer(method, layerAttributes[0], configNames, location);
            if (layer is not null)
            {
                layers.Add(layer);
            }
        }
        CheckLayerReferences(layers);
        CheckNameClashes(layers);
        return layers;
    }

    private LayerSpec? ReadLayer(IMethodSymbol method, AttributeData attribute, HashSet<string> configNames, Location? location)
    {
        if (!method.IsPartialDefinition || method.PartialImplementationPart is { } implementation && !GeneratedCode.IsOurs(implementation))
        {
            Report(Descriptors.LayerNotPartial, location, $"layer method '{method.Name}' must be a partial method without a body; the generator writes the body");
            return null;
        }
        if (method.IsStatic || method.IsGenericMethod)
        {
            Report(Descriptors.LayerSignature, location, $"layer method '{method.Name}' must be an instance method without type parameters");
            return null;
        }
        if (!IsTensor(method.ReturnType))
        {
            Report(Descriptors.LayerSignature, location, $"layer method '{method.Name}' must return Tensor, not '{method.ReturnType.ToDisplayString()}'");
            return null;
        }
        var inputs = method.Parameters.Select(ReadParameter).ToList();
        if (inputs.Any(input => !input.IsTensor) || method.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            Report(Descriptors.LayerSignature, location, $"layer method '{method.Name}' takes Tensor parameters only");
            return null;
        }
        // Shapes on a layer's parameters are read by shape inference; an unreadable one is reported like a forward's.
        CheckShapes(inputs.Select(input => input.Shape).Append(ShapeOf(method.GetReturnTypeAttributes())), location);

        var arguments = ReadArguments(attribute);
        var attributeName = SymbolText.MetadataName(attribute.AttributeClass!);
        var explicitName = arguments.FirstOrDefault(argument => argument.Name == "Name")?.Value;
        var name = explicitName ?? Naming.ToSnakeCase(method.Name);
        if (name.Length == 0 || name.Contains('.'))
        {
            Report(Descriptors.InvalidLayerName, location, $"layer name '{name}' must be non-empty and must not contain '.'");
            return null;
        }
        // The name is written into a string literal of the generated code; a default one comes from an identifier.
        if (explicitName is not null && !explicitName.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
        {
            Report(Descriptors.InvalidLayerName, location, $"layer name '{name}' may only contain ASCII letters, digits and '_'");
            return null;
        }
        var accessibility = SymbolText.Accessibility(method.DeclaredAccessibility);

        if (attributeName == LayerCatalogue.UseAttribute)
        {
            var block = ReadBlockUse(method, attribute, configNames, location);
            return block is null ? null
                : new LayerSpec(LayerCatalogue.UseKind, method.Name, name, accessibility, inputs.ToEquatableArray(), arguments.ToEquatableArray(), block);
        }

        var kind = LayerCatalogue.FromAttribute(attributeName);
        if (kind is null)
        {
            Report(Descriptors.UnknownLayer, location, $"'{attribute.AttributeClass!.Name}' is not a layer this version of Torchwright knows");
            return null;
        }
        var bound = BindInputs(kind, method, inputs, location);
        if (bound is null)
        {
            return null;
        }
        inputs = bound;
        foreach (var argument in kind.Arguments)
        {
            var value = arguments.FirstOrDefault(a => a.Name == argument.Name)?.Value;
            if (value is null)
            {
                if (argument.Required)
                {
                    Report(Descriptors.MissingLayerArgument, location, $"{kind.Name} layer '{method.Name}' needs {argument.Name}");
                }
                continue;
            }
            var what = $"{argument.Name} of '{method.Name}'";
            if (argument.Kind is ArgumentKind.Dimension or ArgumentKind.OptionalDimension)
            {
                CheckDimension(value, what, configNames, ArgumentLocation(attribute, argument.Name, cancellation) ?? location);
            }
            else if (argument.Kind == ArgumentKind.DimensionList)
            {
                CheckDimensionList(value, what, configNames, ArgumentLocation(attribute, argument.Name, cancellation) ?? location);
            }
            else if (argument.Kind == ArgumentKind.Real && !IsFinite(value))
            {
                // NaN or an infinity means nothing as a hyperparameter, and C# has no literal for it.
                Report(Descriptors.InvalidExpression, ArgumentLocation(attribute, argument.Name, cancellation) ?? location, $"{what} must be a finite number, not {value}");
            }
        }
        return new LayerSpec(kind.Name, method.Name, name, accessibility, inputs.ToEquatableArray(), arguments.ToEquatableArray(), null);
    }

    private static bool IsFinite(string value)
        => double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var real)
            && !double.IsNaN(real) && !double.IsInfinity(real);

    private BlockUseSpec? ReadBlockUse(IMethodSymbol method, AttributeData attribute, HashSet<string> configNames, Location? location)
    {
        if (attribute.ConstructorArguments.Length < 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol blockType)
        {
            Report(Descriptors.InvalidBlockUse, location, $"[Use] on '{method.Name}' needs the block type, e.g. [Use(typeof(MyBlock), \"Dim\")]");
            return null;
        }
        var blockAttribute = blockType.GetAttributes().FirstOrDefault(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.BlockAttribute);
        if (blockAttribute is null || blockAttribute.ConstructorArguments.Length != 1 || blockAttribute.ConstructorArguments[0].Value is not INamedTypeSymbol blockConfig)
        {
            Report(Descriptors.InvalidBlockUse, location, $"'{blockType.Name}' used by '{method.Name}' is not a [Block] class with a configuration type");
            return null;
        }
        if (CycleThrough(blockType) is { } cycle)
        {
            Report(Descriptors.InvalidBlockUse, location, $"'{type.Name}' uses itself through {string.Join(" -> ", cycle.Prepend(type.Name))} ([Use] on '{method.Name}'); building it would build another one without end");
            return null;
        }
        // [Use(typeof(B), null)] passes a null array: no arguments, as an empty params list would be.
        var configArguments = attribute.ConstructorArguments.Length > 1 && attribute.ConstructorArguments[1] is { Kind: TypedConstantKind.Array, IsNull: false } array
            ? array.Values.Select(SymbolText.Constant).ToList()
            : new List<string?>();
        var constructor = blockConfig.InstanceConstructors
            .Where(ctor => ctor.DeclaredAccessibility == Accessibility.Public)
            .OrderByDescending(ctor => ctor.Parameters.Length)
            .FirstOrDefault();
        // The generated constructor writes 'new Config(...)': there must be a public constructor to call.
        if (constructor is null || blockConfig.IsAbstract || ConfigTypeProblem(blockConfig) is not null)
        {
            Report(Descriptors.InvalidBlockUse, location, $"'{blockConfig.Name}', the configuration of '{blockType.Name}' used by '{method.Name}', cannot be built: it needs to be a non-abstract class with a public constructor");
            return null;
        }
        var required = constructor.Parameters.Count(p => !p.HasExplicitDefaultValue);
        var available = constructor.Parameters.Length;
        if (configArguments.Count < required || configArguments.Count > available)
        {
            Report(Descriptors.InvalidBlockUse, location, $"'{blockConfig.Name}' takes {required} to {available} constructor arguments, but [Use] on '{method.Name}' gives {configArguments.Count}");
            return null;
        }
        for (var i = 0; i < configArguments.Count; i++)
        {
            CheckDimension(configArguments[i], $"a configuration argument of '{method.Name}'", configNames, PositionalArgumentLocation(attribute, i + 1, cancellation) ?? location);
        }
        var forward = blockType.GetMembers().OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.ForwardAttribute))
            .OrderByDescending(m => m.Name == "Forward")
            .FirstOrDefault();
        if (forward is null)
        {
            Report(Descriptors.InvalidBlockUse, location, $"block '{blockType.Name}' used by '{method.Name}' has no [Forward] method");
            return null;
        }
        if (forward.Parameters.Length != method.Parameters.Length)
        {
            Report(Descriptors.InvalidBlockUse, location, $"block '{blockType.Name}' takes {forward.Parameters.Length} input(s) but '{method.Name}' declares {method.Parameters.Length}");
            return null;
        }
        return new BlockUseSpec(
            SymbolText.TypeName(blockType),
            SymbolText.TypeName(blockConfig),
            configArguments.Select(a => a ?? "").ToEquatableArray(),
            forward.Name);
    }

    /// <summary>The blocks through which <paramref name="start"/>'s [Use]s lead back to this type, from
    /// <paramref name="start"/> to this type; null when they do not. Breadth first, so the chain is a shortest one.</summary>
    private List<string>? CycleThrough(INamedTypeSymbol start)
    {
        var parents = new Dictionary<INamedTypeSymbol, INamedTypeSymbol?>(SymbolEqualityComparer.Default) { [start.OriginalDefinition] = null };
        var pending = new Queue<INamedTypeSymbol>();
        pending.Enqueue(start.OriginalDefinition);
        while (pending.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var current = pending.Dequeue();
            if (SymbolEqualityComparer.Default.Equals(current, type.OriginalDefinition))
            {
                var chain = new List<string>();
                for (INamedTypeSymbol? step = current; step is not null; step = parents[step])
                {
                    chain.Insert(0, step.Name);
                }
                return chain;
            }
            foreach (var next in UsedBlocks(current))
            {
                if (!parents.ContainsKey(next))
                {
                    parents[next] = current;
                    pending.Enqueue(next);
                }
            }
        }
        return null;
    }

    private static IEnumerable<INamedTypeSymbol> UsedBlocks(INamedTypeSymbol owner)
        => owner.GetMembers().OfType<IMethodSymbol>()
            .SelectMany(method => method.GetAttributes())
            .Where(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.UseAttribute && a.ConstructorArguments.Length > 0)
            .Select(a => a.ConstructorArguments[0].Value)
            .OfType<INamedTypeSymbol>()
            .Select(used => used.OriginalDefinition);

    // The first parameter is the main input; the others bind to the layer's named inputs.
    private List<ParameterSpec>? BindInputs(LayerKind kind, IMethodSymbol method, List<ParameterSpec> inputs, Location? location)
    {
        if (kind.Inputs.Length == 0)
        {
            if (inputs.Count == 0)
            {
                return inputs;
            }
            Report(Descriptors.LayerSignature, location, $"a {kind.Name} layer takes no inputs, but '{method.Name}' declares {inputs.Count}");
            return null;
        }
        if (inputs.Count == 0)
        {
            Report(Descriptors.LayerSignature, location, $"a {kind.Name} layer takes its input tensor as the first parameter, but '{method.Name}' declares none");
            return null;
        }
        var bound = new List<ParameterSpec> { inputs[0] with { Role = kind.Inputs[0].Name } };
        var used = new HashSet<string>();
        foreach (var input in inputs.Skip(1))
        {
            var role = kind.Input(input.Name);
            if (role is null)
            {
                var known = string.Join(", ", kind.Inputs.Skip(1).Select(i => i.Name));
                var takes = known.Length == 0 ? $"a {kind.Name} layer takes 1 tensor(s)" : $"the inputs of a {kind.Name} layer after the first are {known}";
                Report(Descriptors.LayerSignature, location, $"{takes}, but '{method.Name}' declares parameter '{input.Name}'");
                return null;
            }
            if (!used.Add(role.Name))
            {
                Report(Descriptors.LayerSignature, location, $"'{method.Name}' binds input '{role.Name}' twice");
                return null;
            }
            bound.Add(input with { Role = role.Name });
        }
        foreach (var missing in kind.Inputs.Skip(1).Where(i => i.Required && !used.Contains(i.Name)))
        {
            Report(Descriptors.LayerSignature, location, $"a {kind.Name} layer needs the input '{missing.Name}'; add a Tensor parameter named {missing.Name} to '{method.Name}'");
            return null;
        }
        return bound;
    }

    private void CheckDimensionList(string text, string what, HashSet<string> configNames, Location? location)
    {
        var parsed = DimParser.ParseShape(text);
        if (!parsed.Success || parsed.Dimensions.Length == 0 || parsed.Dimensions.Any(d => d is DimWildcard or DimEllipsis))
        {
            Report(Descriptors.InvalidExpression, location, $"{what} is not a list of dimension expressions ('{text}'{(parsed.Success ? "" : ": " + parsed.Error)})");
            return;
        }
        foreach (var dimension in parsed.Dimensions)
        {
            CheckDimension(dimension.ToString(), what, configNames, location);
        }
    }

    private void CheckDimension(string? text, string what, HashSet<string> configNames, Location? location)
    {
        var parsed = DimParser.ParseExpression(text);
        if (!parsed.Success)
        {
            Report(Descriptors.InvalidExpression, location, $"{what} is not a valid dimension expression ('{text}': {parsed.Error})");
            return;
        }
        foreach (var symbol in parsed.Dimensions[0].Symbols())
        {
            if (!configNames.Contains(symbol))
            {
                var suggestion = NearestName.Find(symbol, configNames);
                var hint = suggestion is null ? "" : $"; did you mean '{suggestion}'?";
                Report(Descriptors.UnknownConfigMember, location, $"{what} names '{symbol}', which is not a member of the configuration{hint}",
                    new DiagnosticProperty(DiagnosticProperty.UnknownName, symbol), new DiagnosticProperty(DiagnosticProperty.Suggestion, suggestion ?? ""));
            }
        }
    }

    private void CheckLayerReferences(List<LayerSpec> layers)
    {
        foreach (var layer in layers)
        {
            var kind = LayerCatalogue.FromName(layer.Kind);
            if (kind is null)
            {
                continue;
            }
            foreach (var argument in kind.Arguments.Where(a => a.Kind == ArgumentKind.LayerReference))
            {
                var target = layer.Argument(argument.Name);
                if (target is null)
                {
                    continue;
                }
                if (!layers.Any(other => other.MethodName == target && other.Kind == "Embedding"))
                {
                    Report(Descriptors.InvalidTiedTo, LocationOf(layer.MethodName), $"{argument.Name} of '{layer.MethodName}' names '{target}', which is not an [Embedding] layer of this class");
                }
            }
        }
    }

    private void CheckNameClashes(List<LayerSpec> layers)
    {
        foreach (var group in layers.GroupBy(layer => layer.StorageName).Where(group => group.Count() > 1))
        {
            Report(Descriptors.NameClash, LocationOf(group.First().MethodName), $"layers {string.Join(", ", group.Select(l => "'" + l.MethodName + "'"))} would all store their parameters under '{group.Key}'; give them distinct names");
        }
        var memberNames = new HashSet<string>(type.GetMembers().Where(member => !GeneratedCode.IsOurs(member)).Select(member => member.Name));
        foreach (var layer in layers)
        {
            var field = Naming.ToFieldName(layer.MethodName).TrimStart('@');
            if (memberNames.Contains(field))
            {
                Report(Descriptors.NameClash, LocationOf(layer.MethodName), $"the generator stores layer '{layer.MethodName}' in a field named '{field}', but the class already declares a member with that name");
            }
        }
    }

    /// <summary>
    /// The members the generated half declares besides layer fields and entries (checked where those are read); one
    /// the class declares too would not compile there (CS0102, CS0111). A method clashes only with a generated method
    /// of the same parameter types: an overload is fine.
    /// </summary>
    private void CheckGeneratedMembers(List<ForwardSpec> forwards, bool isBlock, INamedTypeSymbol configType)
    {
        var none = ImmutableArray<ITypeSymbol>.Empty;
        var generated = new List<(string Name, ImmutableArray<ITypeSymbol>? Parameters)>
        {
            ("Config", null), ("Path", null), ("path", null), ("Precision", null), ("precision", null), ("ParameterCount", null),
            ("Summary", none), ("CacheCastWeights", none), ("InferenceSession", none), ("RegisterComponents", none),
        };
        foreach (var forward in forwards.Where(forward => forward.CaptureChain.Count > 0))
        {
            generated.Add((forward.MethodName == "Forward" ? "Capture" : "Capture" + forward.MethodName, ParameterTypes(forward)));
            generated.Add((forward.MethodName + "Plan", null));
            if (forward.EntryName == "forward")
            {
                generated.Add(("inferencePlans", null));
                generated.Add(("InferencePlans", null));
            }
        }
        if (isBlock && forwards.OrderByDescending(forward => forward.MethodName == "Forward").FirstOrDefault() is { } unguarded)
        {
            generated.Add((unguarded.MethodName + "Unchecked", ParameterTypes(unguarded)));
        }
        // The generated constructor: (config, Device? device = null, ScalarType? dtype = null).
        var constructor = type.InstanceConstructors.FirstOrDefault(ctor => !ctor.IsImplicitlyDeclared && !GeneratedCode.IsOurs(ctor)
            && ctor.Parameters.Length == 3 && SymbolEqualityComparer.Default.Equals(ctor.Parameters[0].Type, configType)
            && ctor.Parameters[1].Type.ToDisplayString() == "TorchSharp.torch.Device?"
            && ctor.Parameters[2].Type.ToDisplayString() == "TorchSharp.torch.ScalarType?");
        if (constructor is not null)
        {
            Report(Descriptors.NameClash, constructor.Locations.FirstOrDefault(),
                $"the generator declares the constructor '{type.Name}(config, device, dtype)', but the class already declares one with those parameters; give the class's other parameters");
        }
        foreach (var (name, parameters) in generated)
        {
            var clash = type.GetMembers(name).FirstOrDefault(member => !GeneratedCode.IsOurs(member)
                && (parameters is not { } types || member is not IMethodSymbol method
                    || method.Parameters.Select(p => p.Type).SequenceEqual(types, SymbolEqualityComparer.Default)));
            if (clash is not null)
            {
                Report(Descriptors.NameClash, clash.Locations.FirstOrDefault(), $"the generator declares a member named '{name}', but the class already declares one; rename the class's");
            }
        }
    }

    private ImmutableArray<ITypeSymbol> ParameterTypes(ForwardSpec forward)
        => type.GetMembers(forward.MethodName).OfType<IMethodSymbol>().FirstOrDefault(IsForward)
            ?.Parameters.Select(p => p.Type).ToImmutableArray() ?? ImmutableArray<ITypeSymbol>.Empty;

    private static bool IsForward(IMethodSymbol method)
        => method.GetAttributes().Any(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.ForwardAttribute);

    private List<ForwardSpec> ReadForwards(List<LayerSpec> layers)
    {
        var singleInputLayers = new HashSet<string>(layers.Where(layer => layer.Inputs.Count == 1).Select(layer => layer.MethodName));
        var forwards = new List<ForwardSpec>();
        var memberNames = new HashSet<string>(type.GetMembers().Where(member => !GeneratedCode.IsOurs(member)).Select(member => member.Name));
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            if (!IsForward(method))
            {
                continue;
            }
            var location = method.Locations.FirstOrDefault();
            if (method.IsStatic || method.IsGenericMethod || method.IsPartialDefinition && method.PartialImplementationPart is null)
            {
                Report(Descriptors.InvalidForward, location, $"[Forward] method '{method.Name}' must be a non-generic instance method with a body");
                continue;
            }
            if (method.Parameters.Any(p => p.RefKind != RefKind.None || p.IsParams))
            {
                Report(Descriptors.InvalidForward, location, $"[Forward] method '{method.Name}' cannot take ref, out, in or params parameters");
                continue;
            }
            var entry = method.Name == "Forward" ? "forward" : Naming.ToSnakeCase(method.Name);
            if (memberNames.Contains(entry))
            {
                Report(Descriptors.NameClash, location, $"the guarded entry of '{method.Name}' is named '{entry}', but the class already declares a member with that name");
                continue;
            }
            var parameters = method.Parameters.Select(ReadParameter).ToList();
            var returnShape = ShapeOf(method.GetReturnTypeAttributes());
            CheckShapes(parameters.Select(p => p.Shape).Append(returnShape), location);
            var capturable = method.GetAttributes().Any(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.CapturableAttribute);
            var chain = capturable && ReturnKindOf(method.ReturnType) == ReturnKind.Tensor && parameters.All(p => p.IsTensor)
                ? CaptureChainReader.Read(method, singleInputLayers, cancellation)
                : null;
            forwards.Add(new ForwardSpec(method.Name, entry, SymbolText.TypeName(method.ReturnType), ReturnKindOf(method.ReturnType), returnShape,
                parameters.ToEquatableArray(), (chain ?? new List<string>()).ToEquatableArray()));
        }
        return forwards;
    }

    // Public here and in every enclosing type: only then may a public constructor take it.
    private static bool IsEffectivelyPublic(ITypeSymbol type)
    {
        for (ISymbol? symbol = type; symbol is INamedTypeSymbol named; symbol = named.ContainingType)
        {
            if (named.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }
        return true;
    }

    private void CheckShapes(IEnumerable<string?> shapes, Location? location)
    {
        foreach (var shape in shapes)
        {
            if (shape is not null && DimParser.ParseShape(shape) is { Success: false } failed)
            {
                Report(Descriptors.InvalidExpression, location, $"shape \"{shape}\" cannot be read: {failed.Error} at column {failed.ErrorColumn + 1}");
            }
        }
    }

    private static ReturnKind ReturnKindOf(ITypeSymbol type)
    {
        if (IsTensor(type))
        {
            return ReturnKind.Tensor;
        }
        if (type is INamedTypeSymbol { IsTupleType: true } tuple && tuple.TupleElements.All(element => IsTensor(element.Type)))
        {
            return ReturnKind.TensorTuple;
        }
        return ReturnKind.Other;
    }

    private ParameterSpec ReadParameter(IParameterSymbol parameter)
        => new(parameter.Name, SymbolText.TypeName(parameter.Type), ShapeOf(parameter.GetAttributes()), IsTensor(parameter.Type),
            Elements: ElementsOf(parameter.GetAttributes()));

    private static string? ElementsOf(ImmutableArray<AttributeData> attributes)
    {
        var shape = attributes.FirstOrDefault(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.ShapeAttribute);
        var elements = shape?.NamedArguments.FirstOrDefault(argument => argument.Key == "Elements").Value;
        var value = elements is { } constant ? SymbolText.Constant(constant) : null;
        return value is null or "Any" ? null : value;
    }

    private static string? ShapeOf(ImmutableArray<AttributeData> attributes)
    {
        var shape = attributes.FirstOrDefault(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.ShapeAttribute);
        return shape is { ConstructorArguments.Length: 1 } ? SymbolText.Constant(shape.ConstructorArguments[0]) : null;
    }

    private static List<ArgumentSpec> ReadArguments(AttributeData attribute)
    {
        var arguments = new List<ArgumentSpec>();
        var parameters = attribute.AttributeConstructor?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty;
        for (var i = 0; i < attribute.ConstructorArguments.Length && i < parameters.Length; i++)
        {
            var constant = attribute.ConstructorArguments[i];
            if (constant.Kind == TypedConstantKind.Array || constant.Kind == TypedConstantKind.Type)
            {
                continue;
            }
            if (SymbolText.Constant(constant) is { } value)
            {
                arguments.Add(new ArgumentSpec(Pascal(parameters[i].Name), value));
            }
        }
        foreach (var named in attribute.NamedArguments)
        {
            if (SymbolText.Constant(named.Value) is { } value)
            {
                arguments.Add(new ArgumentSpec(named.Key, value));
            }
        }
        // Canonical order, so that the order in which a user writes named arguments cannot change the spec.
        arguments.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return arguments;
    }

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);

    /// <summary>
    /// Where the attribute argument for property <paramref name="name"/> is written: a named argument
    /// (<c>TiedTo = ...</c>), a constructor argument by name (<c>dim: ...</c>) or by position. Null when
    /// the attribute does not write it.
    /// </summary>
    internal static Location? ArgumentLocation(AttributeData attribute, string name, CancellationToken cancellation)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellation) is not AttributeSyntax { ArgumentList: { } list })
        {
            return null;
        }
        foreach (var argument in list.Arguments)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == name
                || argument.NameColon is { } colon && Pascal(colon.Name.Identifier.ValueText) == name)
            {
                return argument.Expression.GetLocation();
            }
        }
        var parameters = attribute.AttributeConstructor?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty;
        for (var i = 0; i < parameters.Length; i++)
        {
            if (Pascal(parameters[i].Name) == name && !parameters[i].IsParams)
            {
                return PositionalArgumentLocation(attribute, i, cancellation);
            }
        }
        return null;
    }

    /// <summary>Where the <paramref name="index"/>-th positional argument of an attribute is written (params elements included).</summary>
    internal static Location? PositionalArgumentLocation(AttributeData attribute, int index, CancellationToken cancellation)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellation) is not AttributeSyntax { ArgumentList: { } list })
        {
            return null;
        }
        var positional = list.Arguments.Where(argument => argument.NameEquals is null && argument.NameColon is null).ToList();
        return index < positional.Count ? positional[index].Expression.GetLocation() : null;
    }

    private static bool IsLayerAttribute(AttributeData attribute)
    {
        for (var current = attribute.AttributeClass?.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolText.MetadataName(current) == LayerCatalogue.LayerAttributeBase)
            {
                return true;
            }
        }
        return false;
    }

    internal static bool IsTensor(ITypeSymbol type)
        => type.Name == "Tensor" && type.ContainingType is { Name: "torch", ContainingNamespace.Name: "TorchSharp" };

    private Location? LocationOf(string methodName)
        => type.GetMembers(methodName).FirstOrDefault()?.Locations.FirstOrDefault();

    private void Report(DiagnosticDescriptor descriptor, Location? location, string reason, params DiagnosticProperty[] properties)
        => diagnostics.Add(new DiagnosticInfo(descriptor.Id, new[] { reason }.ToEquatableArray(), LocationInfo.From(location), properties.ToEquatableArray()));
}
