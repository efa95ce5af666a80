using Parameter = TorchSharp.Modules.Parameter;
using TorchSharp;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// Base of the built-in blocks: a one-tensor module with a fused and a reference implementation,
/// whose parameters are registered explicitly under PyTorch-style names.
/// </summary>
public abstract class Block : nn.Module<Tensor, Tensor>, IForwardPathAware
{
    /// <summary>Creates the block; <paramref name="name"/> is TorchSharp's module name.</summary>
    /// <param name="name">The module's type name.</param>
    protected Block(string name) : base(name)
    {
        HostMemory.EnsureConfigured();
        HugePages.EnsureConfigured();
    }

    /// <inheritdoc/>
    public ForwardPath Path { get; set; }

    /// <summary>Runs the implementation selected by <see cref="Path"/>.</summary>
    /// <param name="input">The input tensor.</param>
    public override Tensor forward(Tensor input) => Path == ForwardPath.Fused ? Fused(input) : Reference(input);

    /// <summary>The fast implementation.</summary>
    /// <param name="input">The input tensor.</param>
    protected abstract Tensor Fused(Tensor input);

    /// <summary>The plain op-by-op implementation, the yardstick for <see cref="Fused"/>.</summary>
    /// <param name="input">The input tensor.</param>
    protected abstract Tensor Reference(Tensor input);

    /// <summary>
    /// Deliberately empty: TorchSharp would otherwise register every field by reflection, including
    /// references to shared modules (tied weights) and cached masks. Blocks register explicitly.
    /// </summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Creates, initialises and registers a parameter.</summary>
    /// <param name="name">The parameter's name within this block, e.g. <c>weight</c>.</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="initialise">Fills the new tensor in place (runs without gradient tracking).</param>
    protected Parameter AddParameter(string name, long[] shape, System.Action<Tensor> initialise)
    {
        var data = empty(shape);
        using (no_grad())
        {
            initialise(data);
        }
        var parameter = new Parameter(data);
        register_parameter(name, parameter);
        return parameter;
    }

    /// <summary>Registers <paramref name="child"/> under <paramref name="name"/> and returns it.</summary>
    /// <typeparam name="T">The child's type.</typeparam>
    /// <param name="name">The child's name, the next segment of its parameters' names.</param>
    /// <param name="child">The child module.</param>
    protected T AddChild<T>(string name, T child) where T : nn.Module
    {
        register_module(name, child);
        return child;
    }

    /// <summary>The standard deviation of GPT-2 style initialisation.</summary>
    protected const double InitStd = WeightInits.Gpt2Std;

    /// <summary>Shapes as TorchSharp wants them.</summary>
    /// <param name="dims">The dimensions.</param>
    protected static long[] Shape(params long[] dims) => dims;
}
