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
    [InlineData(3, 24, 64)]
    [InlineData(2, 96, 32)]
    [InlineData(1, 16, 16)]
    public void Orthogonalise_brings_every_singular_value_near_one_along_the_polar_factor(int count, int rows, int columns)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        // Ill-conditioned on purpose: singular values spread over two orders of magnitude, as in momenta.
        var (u, _, v) = linalg.svd(randn(new long[] { count, rows, columns }, generator: generator), fullMatrices: false);
        var rank = Math.Min(rows, columns);
        var spread = linspace(0, -4.6, rank).exp().view(1, 1, rank);
        var matrices = (u * spread).bmm(v);
        var polar = u.bmm(v);

        var orthogonal = FlatMuon.Orthogonalise(matrices);

        Assert.Equal(matrices.shape, orthogonal.shape);
        var singular = linalg.svdvals(orthogonal);
        Assert.True(singular.min().item<float>() > 0.6 && singular.max().item<float>() < 1.25,
            $"singular values {singular.min().item<float>():F3}..{singular.max().item<float>():F3}, expected within [0.6, 1.25]");
        static Tensor Norms(Tensor m) => m.square().sum(new long[] { 1, 2 }).sqrt();
        var cosine = (orthogonal * polar).sum(new long[] { 1, 2 }) / (Norms(orthogonal) * Norms(polar));
        Assert.True(cosine.min().item<float>() > 0.97, $"cosine to the polar factor {cosine.min().item<float>():F4}");
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
    }
}
