using System;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Torchwright.Runtime.Training;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Training;

/// <summary>Muon's orthogonalisation approximates the polar factor, and its step is exactly the documented update.</summary>
public class FlatMuonTests
{
    [Theory]
    [InlineData(3, 24, 64, false)]
    [InlineData(2, 96, 32, false)]
    [InlineData(1, 16, 16, false)]
    [InlineData(3, 24, 64, true)]
    [InlineData(2, 96, 32, true)]
    public void Orthogonalise_brings_every_singular_value_near_one_along_the_polar_factor(int count, int rows, int columns, bool inBFloat16)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        // Ill-conditioned on purpose: singular values spread over two orders of magnitude, as in momenta.
        var (u, _, v) = linalg.svd(randn(new long[] { count, rows, columns }, generator: generator), fullMatrices: false);
        var rank = Math.Min(rows, columns);
        var spread = linspace(0, -4.6, rank).exp().view(1, 1, rank);
        var matrices = (u * spread).bmm(v);
        var polar = u.bmm(v);

        var orthogonal = FlatMuon.Orthogonalise(matrices, computeIn: inBFloat16 ? ScalarType.BFloat16 : null);

        Assert.Equal(matrices.shape, orthogonal.shape);
        Assert.Equal(ScalarType.Float32, orthogonal.dtype);
        var singular = linalg.svdvals(orthogonal);
        Assert.True(singular.min().item<float>() > 0.6 && singular.max().item<float>() < 1.25,
            $"singular values {singular.min().item<float>():F3}..{singular.max().item<float>():F3}, expected within [0.6, 1.25]");
        static Tensor Norms(Tensor m) => m.square().sum(new long[] { 1, 2 }).sqrt();
        var cosine = (orthogonal * polar).sum(new long[] { 1, 2 }) / (Norms(orthogonal) * Norms(polar));
        Assert.True(cosine.min().item<float>() > 0.97, $"cosine to the polar factor {cosine.min().item<float>():F4}");
    }

    [Theory]
    [InlineData(24, 64)] // wide enough for the iteration on the small Gram matrix
    [InlineData(96, 32)] // tall: the same, transposed
    [InlineData(16, 20)] // the iteration on the matrices themselves
    public void Orthogonalise_matches_the_plain_quintic_iteration_computed_in_double_precision(int rows, int columns)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var (u, _, v) = linalg.svd(randn(new long[] { 2, rows, columns }, generator: generator), fullMatrices: false);
        var matrices = (u * linspace(0, -4.6, Math.Min(rows, columns)).exp().view(1, 1, -1)).bmm(v);

        var exact = PlainIteration(matrices.to(ScalarType.Float64));
        var plainError = (PlainIteration(matrices).to(ScalarType.Float64) - exact).abs().max().item<double>();

        var error = (FlatMuon.Orthogonalise(matrices).to(ScalarType.Float64) - exact).abs().max().item<double>();

        // Entries are about 0.1; the plain iteration in fp32 is off by about 1e-6 and the Gram form, which squares
        // the 100x spread of singular values, by up to 5e-5 — far inside the iteration's own inexactness.
        Assert.True(error < 1e-4, $"differs from the plain iteration in double precision by {error:G3} (the plain one in fp32 by {plainError:G3})");
    }

    // X ← aX + (bA + cA²)X, A = XXᵀ, five times on the wide orientation of the Frobenius-normalised matrices.
    private static Tensor PlainIteration(Tensor matrices)
    {
        var tall = matrices.shape[1] > matrices.shape[2];
        var x = tall ? matrices.transpose(1, 2) : matrices;
        x = x / x.square().sum(new long[] { 1, 2 }, keepdim: true).sqrt();
        for (var i = 0; i < 5; i++)
        {
            var a = x.bmm(x.transpose(1, 2));
            x = 3.4445 * x + (-4.7750 * a + 2.0315 * a.bmm(a)).bmm(x);
        }
        return tall ? x.transpose(1, 2) : x;
    }

    [Fact]
    public void Orthogonalise_ignores_the_scale_of_the_input()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var matrices = randn(new long[] { 2, 8, 20 }, generator: generator);
        var difference = (FlatMuon.Orthogonalise(matrices * 1e-3) - FlatMuon.Orthogonalise(matrices * 50)).abs().max().item<float>();
        Assert.True(difference < 1e-4, $"differs by {difference:G3}");
    }

    [Fact]
    public void A_step_moves_each_matrix_by_its_scaled_orthogonalised_momentum_and_keeps_the_parameters_in_place()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(6);
        var first = new Parameter(randn(new long[] { 12, 5 }, generator: generator));
        var second = new Parameter(randn(new long[] { 12, 5 }, generator: generator));
        var third = new Parameter(randn(new long[] { 4, 9 }, generator: generator));
        var parameters = new[] { first, second, third };
        var before = parameters.Select(p => p.detach().clone()).ToArray();
        using var muon = new FlatMuon(parameters, momentum: 0.9, nesterov: true, weightDecay: 0.1) { LearningRate = 0.01 };
        // Moved into Muon's buffers with their values unchanged.
        Assert.All(parameters.Zip(before), pair => Assert.Equal(0f, (pair.First - pair.Second).abs().max().item<float>()));
        var gradients = parameters.Select(p => randn(p.shape, generator: generator)).ToArray();
        foreach (var (p, g) in parameters.Zip(gradients))
            p.grad!.copy_(g); // the gradients are views into Muon's buffers, as backward leaves them

        muon.Step();

        for (var i = 0; i < parameters.Length; i++)
        {
            // First step: momentum = g, Nesterov direction g + 0.9·g.
            var direction = (gradients[i] * 1.9).unsqueeze(0);
            var scale = 0.2 * Math.Sqrt(Math.Max(parameters[i].shape[0], parameters[i].shape[1]));
            var expected = before[i] * (1 - 0.01 * 0.1) - FlatMuon.Orthogonalise(direction).squeeze(0) * (0.01 * scale);
            var difference = (parameters[i] - expected).abs().max().item<float>();
            Assert.True(difference < 1e-6, $"parameter {i} differs by {difference:G3}");
        }
        Assert.Equal(1, muon.Steps);
        Assert.Equal(2, muon.Momenta.Count);
        Assert.Equal(new long[] { 2, 12, 5 }, muon.Momenta[0].shape);
    }

    [Fact]
    public void A_bf16_step_orthogonalises_in_bf16_and_keeps_weights_and_momentum_in_fp32()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(8);
        var initial = randn(new long[] { 16, 40 }, generator: generator);
        var gradient = randn(new long[] { 16, 40 }, generator: generator);
        Tensor StepWith(Precision precision)
        {
            var parameter = new Parameter(initial.clone());
            using var muon = new FlatMuon(new[] { parameter }, momentum: 0.9, orthogonalisation: precision) { LearningRate = 0.01 };
            parameter.grad!.copy_(gradient);
            muon.Step();
            Assert.Equal(ScalarType.Float32, muon.Momenta[0].dtype);
            Assert.Equal(ScalarType.Float32, parameter.dtype);
            return parameter.detach().clone();
        }

        var inBFloat16 = StepWith(Precision.BFloat16Mixed);
        var inFloat32 = StepWith(Precision.Float32);

        var scale = 0.01 * 0.2 * Math.Sqrt(40);
        var expected = initial - FlatMuon.Orthogonalise((gradient * 1.9).unsqueeze(0), computeIn: ScalarType.BFloat16).squeeze(0) * scale;
        Assert.True((inBFloat16 - expected).abs().max().item<float>() < 1e-6, "the bf16 step is not the documented update");
        // bf16 keeps about three digits, and five iterations compound its rounding: the steps differ by about 5 % of
        // their size (measured 5.1 %), well inside the iteration's own distance from the polar factor (singular values
        // anywhere in [0.7, 1.2]; the theory above holds the bf16 result to the same bounds as the fp32 one).
        var relative = ((inBFloat16 - inFloat32).norm() / (inFloat32 - initial).norm()).item<float>();
        Assert.True(relative is > 0f and < 0.1f, $"bf16 and fp32 steps differ by {relative:P2} of the step");
    }

    [Fact]
    public void Groups_stepped_at_once_give_the_same_weights_bit_for_bit_as_one_after_another()
    {
        using var scope = NewDisposeScope();
        var shapes = new long[][] { new long[] { 12, 40 }, new long[] { 40, 12 }, new long[] { 8, 8 }, new long[] { 30, 16 }, new long[] { 12, 40 } };
        Tensor[] Train(int concurrency)
        {
            using var generator = new Generator(9);
            var parameters = shapes.Select(shape => new Parameter(randn(shape, generator: generator))).ToArray();
            using var muon = new FlatMuon(parameters, weightDecay: 0.1) { LearningRate = 0.02, Concurrency = concurrency };
            for (var step = 0; step < 3; step++)
            {
                foreach (var p in parameters) p.grad!.copy_(randn(p.shape, generator: generator));
                muon.Step();
            }
            return parameters.Select(p => p.detach().clone()).ToArray();
        }

        var oneByOne = Train(concurrency: 1);
        var atOnce = Train(concurrency: 4);

        Assert.All(oneByOne.Zip(atOnce), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>(), "a group's weights differ"));
    }

    [Fact]
    public void Bad_arguments_are_refused_by_name()
    {
        using var scope = NewDisposeScope();
        var vector = new Parameter(zeros(7));
        var error = Assert.Throws<ArgumentException>(() => new FlatMuon(new[] { vector }));
        Assert.Contains("[7]", error.Message);
        var mixed = new[] { new Parameter(zeros(3, 3)), new Parameter(zeros(new long[] { 3, 3 }, dtype: ScalarType.Float64)) };
        Assert.Contains("Float64", Assert.Throws<ArgumentException>(() => new FlatMuon(mixed)).Message);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new FlatMuon(new[] { new Parameter(zeros(2, 2)) }, momentum: 1)).ParamName);
        Assert.Equal("newtonSchulzSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new FlatMuon(new[] { new Parameter(zeros(2, 2)) }, newtonSchulzSteps: 0)).ParamName);
        Assert.Equal("Concurrency", Assert.Throws<ArgumentOutOfRangeException>(() => new FlatMuon(new[] { new Parameter(zeros(2, 2)) }) { Concurrency = 0 }).ParamName);
        Assert.Equal("orthogonalisation", Assert.Throws<ArgumentOutOfRangeException>(() => new FlatMuon(new[] { new Parameter(zeros(2, 2)) }, orthogonalisation: (Precision)7)).ParamName);
    }
}
