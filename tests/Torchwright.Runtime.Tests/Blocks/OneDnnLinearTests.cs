using System;
using System.Linq;
using TorchSharp;
using Torchwright.Runtime.Blocks;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Tests.Blocks;

/// <summary>
/// <see cref="Linear"/> layers can multiply through oneDNN: a 1×1 convolution over a channels-last view when gradients
/// are recorded (fp32), its inner product when not (fp32 and bf16), or for a narrowing fp32 product its matmul, transposed. Outputs and gradients match BLAS's, including the
/// channel pairs on which oneDNN 3.7.1 would die of a division by zero (the process would not survive to report a
/// failure), and a shape its convolution computes wrongly is left to BLAS.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public sealed class OneDnnLinearTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly ITestOutputHelper output;
    private readonly int threads = get_num_threads();

    public OneDnnLinearTests(ITestOutputHelper output)
    {
        this.output = output;
        // libtorch takes oneDNN for these products only with more than one thread.
        if (threads < 2)
        {
            set_num_threads(2);
        }
    }

    public void Dispose() => set_num_threads(threads);

    [Theory]
    [InlineData(96, 256, 1024, true)] // forward meets a faulting pair
    [InlineData(96, 1024, 256, true)] // backward-data meets one
    [InlineData(64, 512, 2048, false)]
    [InlineData(64, 1024, 512, true)]
    [InlineData(64, 512, 1024, false)]
    [InlineData(64, 1024, 2048, true)]
    [InlineData(2048, 256, 768, true)] // the medium benchmark's QKV projection, as the automatic choice takes it
    [InlineData(56, 384, 768, false)] // rows not a multiple of 16, just past libtorch's 20,480 input values
    public void Outputs_and_gradients_match_blas(int rows, int inFeatures, int outFeatures, bool bias)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var layer = new Linear(inFeatures, outFeatures, bias, init: WeightInit.FanIn);
        using var generator = new Generator(12);
        var input = randn(new long[] { 2, rows / 2, inFeatures }, generator: generator);
        var outputGrad = randn(new long[] { 2, rows / 2, outFeatures }, generator: generator);

        var (blas, blasGrads) = Run(layer, input, outputGrad, LinearKernel.Blas);
        var (oneDnn, oneDnnGrads) = Run(layer, input, outputGrad, LinearKernel.OneDnn);

        Assert.Equal(blas.shape, oneDnn.shape);
        // Different kernels round differently: bit-identical results would mean oneDNN never ran.
        Assert.False(Identical(blas, oneDnn), "the oneDNN kernel gave BLAS's bits exactly; it was not used");
        var errors = new[] { Relative(blas, oneDnn) }.Concat(blasGrads.Zip(oneDnnGrads, Relative)).ToArray();
        output.WriteLine($"[{rows}, {inFeatures}] → {outFeatures}, bias {bias}: relative error of output, input grad, weight grad{(bias ? ", bias grad" : "")}: {string.Join(", ", errors.Select(e => e.ToString("G2")))}");
        Assert.All(errors, e => Assert.True(e < Tolerance, $"oneDNN differs from BLAS by {e:G3} (relative)"));
    }

    [Fact]
    public void A_shape_the_convolution_computes_wrongly_runs_on_blas_and_the_inner_product_gets_right()
    {
        // oneDNN 3.7.1's convolution returns a wrong forward for 8,192 rows of 128 → 1,024 (relative error about 0.5).
        using var scope = NewDisposeScope();
        manual_seed(13);
        var layer = new Linear(128, 1024);
        using var generator = new Generator(14);
        var input = randn(new long[] { 8192, 128 }, generator: generator);
        var blas = Forward(layer, input, LinearKernel.Blas);
        var convolution = Forward(layer, input, LinearKernel.OneDnn); // parameters record gradients: the convolution's route
        Assert.True(Identical(blas, convolution), $"forced oneDNN convolution on a shape it gets wrong differs from BLAS by {Relative(blas, convolution):G3}");

        using var _ = no_grad();
        var innerProduct = Forward(layer, input, LinearKernel.OneDnn); // for this shape oneDNN's inner product calls BLAS itself
        Assert.True(Relative(blas, innerProduct) < Tolerance, $"the inner product differs from BLAS by {Relative(blas, innerProduct):G3}");
    }

    [Fact]
    public void Without_gradients_the_inner_product_matches_blas_and_with_them_it_is_not_taken()
    {
        using var scope = NewDisposeScope();
        manual_seed(19);
        var layer = new Linear(256, 1024);
        using var generator = new Generator(20);
        var input = randn(new long[] { 2, 512, 256 }, generator: generator);
        Tensor blas, automatic;
        using (no_grad())
        {
            blas = Forward(layer, input, LinearKernel.Blas);
            automatic = layer.forward(input);
        }
        Assert.False(Identical(blas, automatic), "the inner product was not used without gradients");
        Assert.True(Relative(blas, automatic) < Tolerance, $"the inner product differs from BLAS by {Relative(blas, automatic):G3}");

        var recorded = layer.forward(input); // records gradients for the weights: never the inner product
        Assert.True(recorded.requires_grad);
        Assert.False(Identical(recorded.detach(), automatic), "the recorded forward gave the inner product's bits");
    }

    [Theory]
    [InlineData(1024, 1024, 256, true, true)] // narrowing 4x: the transposed matmul
    [InlineData(1536, 2048, 512, false, true)]
    [InlineData(1024, 768, 512, true, false)] // narrowing 1.5x: the inner product
    public void Narrowing_products_without_gradients_run_transposed_on_onednns_matmul_and_match_blas(int rows, int inFeatures, int outFeatures, bool bias, bool transposed)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        manual_seed(23);
        var layer = new Linear(inFeatures, outFeatures, bias, init: WeightInit.FanIn);
        using var generator = new Generator(24);
        var input = randn(new long[] { 2, rows / 2, inFeatures }, generator: generator);
        var blas = Forward(layer, input, LinearKernel.Blas);
        var automatic = layer.forward(input);
        var viaTransposed = OneDnnProducts.Linear(OneDnnRoute.TransposedMatmul, input, layer.weight, layer.bias);
        var viaInnerProduct = OneDnnProducts.Linear(OneDnnRoute.InnerProduct, input, layer.weight, layer.bias);

        Assert.Equal(blas.shape, automatic.shape);
        Assert.True(automatic.is_contiguous());
        Assert.True(Relative(blas, viaTransposed) < Tolerance, $"the transposed product differs from BLAS by {Relative(blas, viaTransposed):G3}");
        Assert.False(Identical(viaTransposed, viaInnerProduct), "the transposed product gave the inner product's bits: the test cannot tell the routes apart");
        Assert.True(Identical(automatic, transposed ? viaTransposed : viaInnerProduct),
            $"[{rows}, {inFeatures}] → {outFeatures} did not run {(transposed ? "transposed on the matmul" : "on the inner product")}");
    }

    [Fact]
    public void Bf16_products_without_gradients_take_the_inner_product_within_bf16_rounding()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        manual_seed(21);
        var layer = new Linear(512, 1536) { Precision = Precision.BFloat16Mixed };
        using var generator = new Generator(22);
        var input = randn(new long[] { 2048, 512 }, generator: generator);
        var blas = Forward(layer, input, LinearKernel.Blas);
        var automatic = layer.forward(input);
        Assert.Equal(ScalarType.BFloat16, automatic.dtype);
        Assert.False(Identical(blas, automatic), "the bf16 inner product gave linear's bits exactly; it was not used");
        var exact = nn.functional.linear(input.to(ScalarType.BFloat16).@float(), layer.weight.to(ScalarType.BFloat16).@float(), layer.bias!.to(ScalarType.BFloat16).@float());
        var error = Relative(exact, automatic.@float());
        output.WriteLine($"bf16 inner product against an fp32 product of the same bf16 values: relative error {error:G3}");
        Assert.True(error < 1e-2, $"the bf16 inner product is off by {error:G3}");
    }

    [Fact]
    public void Automatic_choice_keeps_small_products_on_blas_and_sends_large_ones_to_onednn_from_the_first_call()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        manual_seed(15);
        var layer = new Linear(256, 768);
        using var generator = new Generator(16);
        foreach (var (rows, expectOneDnn) in new[] { (16, false), (1024, true) }) // 3.1M and 201M multiply-adds
        {
            var input = randn(new long[] { rows, 256 }, generator: generator);
            var first = layer.forward(input);
            var again = layer.forward(input);
            var blas = Forward(layer, input, LinearKernel.Blas);
            var oneDnn = Forward(layer, input, LinearKernel.OneDnn);
            Assert.True(Identical(first, again), $"{rows} rows: the first two calls differ");
            Assert.False(Identical(oneDnn, blas), $"{rows} rows: forced oneDNN gave BLAS's bits exactly");
            Assert.True(Identical(first, expectOneDnn ? oneDnn : blas), $"{rows} rows did not run on {(expectOneDnn ? "oneDNN" : "BLAS")}");
        }
    }

    [Fact]
    public void A_layer_meeting_ever_new_row_counts_checks_the_first_eight_and_leaves_the_rest_to_blas()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        manual_seed(17);
        var layer = new Linear(320, 768); // a shape no other test uses: the checks are counted per process
        using var generator = new Generator(18);
        for (var k = 0; k < 10; k++)
        {
            var input = randn(new long[] { 1024 + 16 * k, 320 }, generator: generator);
            var automatic = layer.forward(input);
            var blas = Forward(layer, input, LinearKernel.Blas);
            var expectOneDnn = k < 8;
            Assert.True(Identical(automatic, blas) != expectOneDnn, $"row count {k + 1} ran on {(expectOneDnn ? "BLAS, not oneDNN" : "oneDNN, not BLAS")}");
        }
    }

    private static Tensor Forward(Linear layer, Tensor input, LinearKernel kernel)
    {
        using var choice = LinearKernelChoice.Use(kernel);
        return layer.forward(input);
    }

    private static (Tensor Output, Tensor[] Grads) Run(Linear layer, Tensor input, Tensor outputGrad, LinearKernel kernel)
    {
        using var choice = LinearKernelChoice.Use(kernel);
        var leaf = input.detach().requires_grad_(true);
        var result = layer.forward(leaf);
        var parameters = layer.bias is null ? new[] { leaf, layer.weight } : new[] { leaf, layer.weight, layer.bias };
        var grads = autograd.grad(new[] { result }, parameters, new[] { outputGrad });
        return (result.detach(), grads.ToArray());
    }

    private static bool Identical(Tensor a, Tensor b) => a.eq(b).all().item<bool>();

    private static double Relative(Tensor expected, Tensor actual) =>
        (expected - actual).abs().max().item<float>() / Math.Max(expected.abs().max().item<float>(), 1e-12f);
}
