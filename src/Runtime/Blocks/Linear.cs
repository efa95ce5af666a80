using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Blocks;

/// <summary>
/// An affine map <c>[.., in] → [.., out]</c>. Parameters: <c>weight [out, in]</c>, <c>bias [out]</c>.
/// When tied to an <see cref="Embedding"/>, it uses that table as its weight and stores none itself.
/// </summary>
public sealed class Linear : Block, IPrecisionAware
{
    private readonly Embedding? tiedTo;
    private readonly Parameter? ownWeight;
    private readonly CastCache weightCast = new();
    private readonly CastCache biasCast = new();

    /// <summary>Creates the layer: weights drawn as <paramref name="init"/> says (N(0, 0.02²) by default) and a zero bias.</summary>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="tiedTo">An embedding whose <c>[count, dim]</c> table serves as this layer's weight.</param>
    /// <param name="init">How the weight is drawn; ignored when tied.</param>
    public Linear(long inFeatures, long outFeatures, bool bias = true, Embedding? tiedTo = null, WeightInit init = WeightInit.Gpt2) : base(nameof(Linear))
    {
        BlockChecks.Positive(nameof(inFeatures), inFeatures);
        BlockChecks.Positive(nameof(outFeatures), outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        if (tiedTo is null)
        {
            ownWeight = AddParameter("weight", Shape(outFeatures, inFeatures), w => w.normal_(0, WeightInits.Std(init, inFeatures)));
        }
        else if (tiedTo.Count != outFeatures || tiedTo.Dim != inFeatures)
        {
            throw new System.ArgumentException(
                $"A Linear layer [{inFeatures} → {outFeatures}] needs a weight of shape [{outFeatures}, {inFeatures}], " +
                $"but the embedding it is tied to has [{tiedTo.Count}, {tiedTo.Dim}].", nameof(tiedTo));
        }
        this.tiedTo = tiedTo;
        this.bias = bias ? AddParameter(nameof(bias), Shape(outFeatures), b => b.zero_()) : null;
    }

    /// <summary>The weight in use: the layer's own, or the tied embedding's table.</summary>
    public Tensor weight => tiedTo?.weight ?? ownWeight!;

    /// <summary>The bias, or null.</summary>
    public Parameter? bias { get; }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The precision the product runs in; under bf16 mixed, input and weights are cast to bf16 and so is the output.</summary>
    public Precision Precision { get; set; }

    /// <inheritdoc/>
    protected override Tensor Fused(Tensor input)
    {
        var type = Precisions.ComputeType(Precision);
        if (input.dtype == type && weight.dtype == type)
        {
            return Multiply(input, weight, bias);
        }
        using var typedInput = input.dtype == type ? input.alias() : input.to(type);
        using var typedWeight = weightCast.Get(weight, type, CastCaches.Enabled);
        using var typedBias = bias is null ? null : biasCast.Get(bias, type, CastCaches.Enabled);
        return Multiply(typedInput, typedWeight, typedBias);
    }

    private Tensor Multiply(Tensor input, Tensor weight, Tensor? bias) =>
        OneDnnProducts.Route(input, weight, bias, InFeatures, OutFeatures) is { } route
            ? OneDnnProducts.Linear(route, input, weight, bias)
            : nn.functional.linear(input, weight, bias);

    /// <inheritdoc/>
    protected override Tensor Reference(Tensor input)
    {
        var type = Precisions.ComputeType(Precision);
        using var typedInput = input.to(type);
        using var transposed = weight.to(type).t();
        var product = typedInput.matmul(transposed);
        if (bias is null)
        {
            return product;
        }
        using (product)
        {
            return product + bias.to(type);
        }
    }

    /// <summary>Drops the cached low-precision copies of the weights.</summary>
    public void ClearCastCache()
    {
        weightCast.Clear();
        biasCast.Clear();
    }
}
