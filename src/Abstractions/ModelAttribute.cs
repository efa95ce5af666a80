using System;

namespace Torchwright;

/// <summary>
/// Marks a <c>partial</c> class as a Torchwright model. The generator turns it into a TorchSharp
/// module whose constructor takes an instance of <paramref name="configType"/>.
/// </summary>
/// <param name="configType">The configuration record (a class, not a struct); its public properties are the
/// names that dimension expressions such as <c>"Dim*4"</c> may use.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelAttribute(Type configType) : Attribute
{
    /// <summary>The configuration type whose members size the model.</summary>
    public Type ConfigType { get; } = configType;

    /// <summary>The precision a new instance computes in; it can be changed later through the model's <c>Precision</c> property.</summary>
    public Precision Precision { get; set; }
}

/// <summary>
/// Marks a <c>partial</c> class as a reusable block: it expands like a model and can be used inside
/// models and other blocks through <see cref="UseAttribute"/>.
/// </summary>
/// <param name="configType">The configuration record of the block.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class BlockAttribute(Type configType) : Attribute
{
    /// <summary>The configuration type whose members size the block.</summary>
    public Type ConfigType { get; } = configType;
}

/// <summary>
/// Marks the method that defines a forward computation. The generator adds a guarded public entry
/// named in PyTorch style (<c>Forward</c> becomes <c>forward</c>, <c>DecodeStep</c> becomes
/// <c>decode_step</c>) that checks every <see cref="ShapeAttribute"/>, runs the method inside a
/// dispose scope and returns only the result.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ForwardAttribute : Attribute
{
}

/// <summary>
/// Marks a forward computation that must stay capturable as a CUDA graph: static shapes, no host
/// synchronisation, no data-dependent shapes. Analyzers check the body.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class CapturableAttribute : Attribute
{
}
