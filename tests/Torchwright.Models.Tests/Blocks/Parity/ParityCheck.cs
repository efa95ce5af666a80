using System;
using System.Collections.Generic;
using System.Linq;
using Torchwright.Runtime;
using Torchwright.Runtime.Blocks;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Blocks.Parity;

/// <summary>
/// Runs a block's fused and reference paths and an independent implementation on the same weights and
/// inputs, and compares outputs and the gradients of every parameter and every floating-point input.
/// </summary>
internal static class ParityCheck
{
    public const double Tolerance = 1e-5;

    /// <param name="module">The block under test.</param>
    /// <param name="inputs">Its inputs; floating-point ones get gradients.</param>
    /// <param name="run">Calls the block on the inputs.</param>
    /// <param name="independent">Computes the same from the parameters (by name) and the inputs.</param>
    /// <param name="seed">Seeds the weight perturbation and the loss probe.</param>
    public static void Verify(nn.Module module, Tensor[] inputs, Func<Tensor[], Tensor> run,
        Func<IReadOnlyDictionary<string, Tensor>, Tensor[], Tensor> independent, long seed = 1)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        using (no_grad())
        {
            // Weights away from initialisation (zeros, ones, tiny normals) so that mistakes show.
            foreach (var parameter in module.parameters())
            {
                parameter.add_(randn(parameter.shape, generator: generator) * 0.3);
            }
        }

        var (referenceOut, referenceGrads) = Run(module, ForwardPath.Reference, inputs, run, generator, seed);
        var (independentOut, independentGrads) = RunIndependent(module, inputs, independent, seed);
        Assert("output: reference vs independent", independentOut, referenceOut);
        if (referenceOut.abs().max().item<float>() < 1e-3)
        {
            throw new Xunit.Sdk.XunitException("the output is nearly zero: the comparison would prove nothing");
        }
        // The fused path with each attention kernel (blocks without attention run the same code five times; without groups,
        // or with a mask the gathered kernel does not take, forcing it runs the automatic choice).
        foreach (var kernel in new[] { AttentionKernel.Automatic, AttentionKernel.ExplicitScores, AttentionKernel.ScaledDotProduct, AttentionKernel.ChunkedScores, AttentionKernel.GroupedKeys })
        {
            using var choice = AttentionKernelChoice.Use(kernel);
            var (fusedOut, fusedGrads) = Run(module, ForwardPath.Fused, inputs, run, generator, seed);
            Assert($"output: fused ({kernel}) vs independent", independentOut, fusedOut);
            foreach (var (name, expected) in independentGrads)
            {
                Assert($"gradient of {name}: fused ({kernel}) vs independent", expected, fusedGrads[name]);
            }
        }
        foreach (var (name, expected) in independentGrads)
        {
            Assert($"gradient of {name}: reference vs independent", expected, referenceGrads[name]);
        }
        if (independentGrads.Count == 0)
        {
            throw new Xunit.Sdk.XunitException("no gradients were compared");
        }
    }

    private static (Tensor, Dictionary<string, Tensor>) Run(nn.Module module, ForwardPath path, Tensor[] inputs, Func<Tensor[], Tensor> run, Generator generator, long seed)
    {
        SetPath(module, path);
        module.zero_grad();
        var leaves = inputs.Select(Leaf).ToArray();
        var output = run(leaves);
        Backward(output, seed);
        var grads = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        for (var i = 0; i < leaves.Length; i++)
        {
            if (leaves[i].requires_grad)
            {
                grads[$"input {i}"] = leaves[i].grad!.clone();
            }
        }
        return (output.detach(), grads);
    }

    private static (Tensor, Dictionary<string, Tensor>) RunIndependent(nn.Module module, Tensor[] inputs, Func<IReadOnlyDictionary<string, Tensor>, Tensor[], Tensor> independent, long seed)
    {
        var weights = module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().requires_grad_(true));
        var leaves = inputs.Select(Leaf).ToArray();
        var output = independent(weights, leaves);
        Backward(output, seed);
        var grads = weights.ToDictionary(p => p.Key, p => p.Value.grad!);
        for (var i = 0; i < leaves.Length; i++)
        {
            if (leaves[i].requires_grad)
            {
                grads[$"input {i}"] = leaves[i].grad!;
            }
        }
        return (output.detach(), grads);
    }

    private static Tensor Leaf(Tensor input)
        => input.is_floating_point() ? input.detach().clone().requires_grad_(true) : input;

    // A fixed random projection of the output as the loss, so every output value gets its own gradient.
    private static void Backward(Tensor output, long seed)
    {
        var probe = randn(output.shape, generator: new Generator((ulong)seed + 99));
        (output * probe).sum().backward();
    }

    private static void SetPath(nn.Module module, ForwardPath path)
    {
        if (module is IForwardPathAware aware)
        {
            aware.Path = path;
        }
        ForwardPaths.Apply(module, path);
    }

    private static void Assert(string what, Tensor expected, Tensor actual)
    {
        if (!expected.shape.SequenceEqual(actual.shape))
        {
            throw new Xunit.Sdk.XunitException($"{what}: shape [{string.Join(",", actual.shape)}], expected [{string.Join(",", expected.shape)}]");
        }
        var largest = (expected - actual).abs().max().item<float>();
        var scale = Math.Max(1.0, expected.abs().max().item<float>());
        if (!(largest <= Tolerance * scale))
        {
            throw new Xunit.Sdk.XunitException($"{what}: largest difference {largest:G4} exceeds {Tolerance * scale:G4}");
        }
    }
}
