using System;
using System.Collections.Generic;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Capture;

public static partial class CaptureLayers
{
    /// <summary>Records a <see cref="Linear"/> layer: <c>[.., in] → [.., out]</c> as one product on oneDNN's matmul,
    /// its convolution or MKL's <c>addmm_</c>, whichever applies first; under bf16 mixed precision, in bf16, with an
    /// output in bf16 as the eager layer returns it.</summary>
    /// <param name="graph">The graph being recorded.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="input">Its input buffer.</param>
    public static Tensor Record(CaptureGraph graph, Linear layer, Tensor input)
    {
        RequireWidth("Linear", input, layer.InFeatures);
        var output = graph.Buffer(Precisions.ComputeType(layer.Precision), WithLast(input.shape, layer.OutFeatures));
        LinearInto(graph, layer, Matrix(graph, input, layer.InFeatures), Matrix(graph, output, layer.OutFeatures), accumulate: false);
        return output;
    }

    /// <summary>Writes <c>input·Wᵀ + b</c> into <paramref name="output"/>, or adds it when <paramref name="accumulate"/>
    /// (a residual connection without a temporary). Under bf16 mixed precision the product runs in bf16 whatever the
    /// buffers' types (<see cref="LowPrecisionLinearInto"/>).</summary>
    internal static void LinearInto(CaptureGraph graph, Linear layer, Tensor input, Tensor output, bool accumulate)
    {
        var type = Precisions.ComputeType(layer.Precision);
        if (type != ScalarType.Float32)
        {
            LowPrecisionLinearInto(graph, layer, type, input, output, accumulate);
            return;
        }
        RequireFloat32("Linear", input);
        RequireFloat32("Linear's output", output);
        var weight = graph.Weight(layer.weight);
        var bias = layer.bias is null ? null : graph.Weight(layer.bias);
        var transposed = graph.Keep(weight.t()); // read as it lies by both products
        var blas = BlasStep(graph, transposed, bias, input, output, accumulate);
        if (OneDnnMatmulLinearStep(graph, layer, transposed, bias, input, output, accumulate) is { } matmul)
        {
            graph.Add(OnRecordedThreads(matmul, blas));
            return;
        }
        if (OneDnnProducts.ConvolutionApplies(input, layer.weight, layer.bias, layer.InFeatures, layer.OutFeatures))
        {
            graph.Add(OnRecordedThreads(OneDnnStep(graph, layer, input, output, accumulate), blas));
            return;
        }
        graph.Add(blas);
    }

    // The product on oneDNN's matmul, for products as large as the eager layer's inner product takes (OneDnnProducts).
    // Null when it does not apply.
    private static Action? OneDnnMatmulLinearStep(CaptureGraph graph, Linear layer, Tensor transposed, Tensor? bias, Tensor input, Tensor output, bool accumulate)
    {
        if (LinearKernelChoice.Current == LinearKernel.Blas || !OneDnnProducts.WorthOneDnnWithoutGradients(input.shape[0], layer.InFeatures, layer.OutFeatures))
        {
            return null;
        }
        return OneDnnMatmulStep(output, input, transposed, ProductBeta(bias, accumulate), 1) is { } product
            ? WithBias(graph, product, bias, output, accumulate)
            : null;
    }

    // The product by libtorch's addmm_, which runs fp32 on MKL and bf16 on oneDNN; transposed is Wᵀ, a view of W.
    private static Action BlasStep(CaptureGraph graph, Tensor transposed, Tensor? bias, Tensor input, Tensor output, bool accumulate)
    {
        var beta = ProductBeta(bias, accumulate);
        return WithBias(graph, () => output.addmm_(input, transposed, beta, 1f), bias, output, accumulate);
    }

    // β of a product written onto the output: 1 onto a residual or onto the bias copied in first, 0 otherwise.
    private static float ProductBeta(Tensor? bias, bool accumulate) => accumulate || bias is not null ? 1f : 0f;

    // A product (made with ProductBeta's β) and the bias: the bias copied into the output before the product adds onto
    // it, or added after it onto a residual.
    private static Action WithBias(CaptureGraph graph, Action product, Tensor? bias, Tensor output, bool accumulate)
    {
        if (bias is null)
        {
            return product;
        }
        var one = graph.Scalar(1); // passed explicitly: add_(tensor) would convert its default alpha on every call
        return accumulate
            ? () =>
            {
                product();
                output.add_(bias, one);
            }
            : () =>
            {
                output.copy_(bias);
                product();
            };
    }

    // The product through oneDNN, as the eager layer runs it (OneDnnProducts): the input rows as one channels-last
    // image, each safe part of the outputs written into its columns of the output (or of a scratch buffer that is
    // then added, for a residual).
    private static Action OneDnnStep(CaptureGraph graph, Linear layer, Tensor input, Tensor output, bool accumulate)
    {
        long rows = input.shape[0], inFeatures = layer.InFeatures;
        var weight = graph.Weight(layer.weight);
        var bias = layer.bias is null ? null : graph.Weight(layer.bias);
        var image = graph.Keep(input.view(1, rows, 1, inFeatures).permute(0, 3, 1, 2));
        var target = accumulate ? graph.Buffer(ScalarType.Float32, rows, layer.OutFeatures) : output;
        var parts = new List<(Tensor Filters, ConvolutionArguments Arguments, Tensor Columns)>();
        long start = 0;
        foreach (var width in OneDnnChannelGuard.SafeOutputWidths(inFeatures, layer.OutFeatures, recordsGradients: false))
        {
            using var weightRows = weight.narrow(0, start, width);
            using var biasPart = bias?.narrow(0, start, width);
            using var targetColumns = target.narrow(1, start, width);
            using var leading = targetColumns.unsqueeze(0);
            using var batched = leading.unsqueeze(2);
            parts.Add((
                graph.Keep(weightRows.view(width, inFeatures, 1, 1)),
                graph.Own(new ConvolutionArguments(biasPart is null ? null : graph.Keep(biasPart.alias()))),
                graph.Keep(batched.permute(0, 3, 1, 2))));
            start += width;
        }
        var one = graph.Scalar(1);
        return () =>
        {
            foreach (var (filters, arguments, columns) in parts)
            {
                LibTorchOperators.ConvolutionInto(image, filters, arguments, columns);
            }
            if (accumulate)
            {
                output.add_(target, one);
            }
        };
    }
}
