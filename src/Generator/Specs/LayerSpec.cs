namespace Torchwright.Generator.Specs;

/// <summary>One annotated partial method that the generator implements as a layer.</summary>
/// <param name="Kind">The catalogue entry, e.g. "Linear".</param>
/// <param name="MethodName">The partial method.</param>
/// <param name="StorageName">The parameter-name prefix, e.g. "head" in "head.weight".</param>
/// <param name="Accessibility">The partial method's accessibility keyword(s).</param>
/// <param name="Inputs">The method's parameters, in order.</param>
/// <param name="Arguments">Attribute arguments by name, as source-level values.</param>
/// <param name="Block">For user blocks: what the generator needs to know of the block type.</param>
internal sealed record LayerSpec(
    string Kind,
    string MethodName,
    string StorageName,
    string Accessibility,
    EquatableArray<ParameterSpec> Inputs,
    EquatableArray<ArgumentSpec> Arguments,
    BlockUseSpec? Block)
{
    public string? Argument(string name)
    {
        foreach (var argument in Arguments)
        {
            if (argument.Name == name)
            {
                return argument.Value;
            }
        }
        return null;
    }
}

/// <summary>An attribute argument. <paramref name="Value"/> is a dimension expression, a C# literal
/// or a member name, depending on the catalogue's declaration of <paramref name="Name"/>.</summary>
internal sealed record ArgumentSpec(string Name, string Value);

/// <summary>A user <c>[Block]</c> used as a layer.</summary>
/// <param name="TypeName">Fully qualified block class, with <c>global::</c>.</param>
/// <param name="ConfigTypeName">Fully qualified configuration type, with <c>global::</c>.</param>
/// <param name="ConfigArguments">Dimension expressions for the configuration constructor.</param>
/// <param name="ForwardMethod">The block's primary forward method.</param>
internal sealed record BlockUseSpec(
    string TypeName,
    string ConfigTypeName,
    EquatableArray<string> ConfigArguments,
    string ForwardMethod);

/// <summary>A method parameter: name, C# type, the declared <c>[Shape]</c> if any, for a layer input the
/// layer input it binds to (the first binds to the main input), and the element kind the guard checks.</summary>
internal sealed record ParameterSpec(string Name, string Type, string? Shape, bool IsTensor, string? Role = null, string? Elements = null);

/// <summary>A <c>[Forward]</c> method. <paramref name="CaptureChain"/> lists, for a <c>[Capturable]</c> forward that is a
/// chain of one-input layer calls, the layer methods in the order they run; it is empty otherwise.</summary>
internal sealed record ForwardSpec(
    string MethodName,
    string EntryName,
    string ReturnType,
    ReturnKind ReturnKind,
    string? ReturnShape,
    EquatableArray<ParameterSpec> Parameters,
    EquatableArray<string> CaptureChain = default);

/// <summary>How the guarded entry hands the result out of its dispose scope.</summary>
internal enum ReturnKind
{
    Tensor,
    TensorTuple,
    Other,
}
