using System;

namespace Torchwright;

/// <summary>
/// Base of every attribute that turns a <c>partial</c> method into a layer. The method's
/// parameters are the layer's inputs, its return value the layer's output.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The name under which the layer's parameters are stored (<c>blocks</c> in
    /// <c>blocks.0.attn.qkv.weight</c>). Defaults to the method name in snake_case; set it to match
    /// the parameter names of an existing PyTorch checkpoint (ASCII letters, digits and <c>_</c>).
    /// </summary>
    public string? Name { get; set; }
}
