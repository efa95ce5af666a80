using System;
using System.Globalization;
using System.Linq;
using Torchwright.Models.FlexTok;
using Torchwright.Runtime.Images;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.FlexTok;

/// <summary>Check 2: the encoder's registers are causal and the patches never see them.</summary>
[Collection(FlexTokCollection.Name)]
public class EncoderCausalityTests(ITestOutputHelper output)
{
    private static FlexTokModel Build(FlexTokConfig config)
    {
        manual_seed(31);
        var model = new FlexTokModel(config);
        model.eval();
        return model;
    }

    public static TheoryData<int, int> Cuts => new() { { 0, 0 }, { 5, 0 }, { 14, 0 }, { 3, 8 }, { 11, 8 } };

    [Theory]
    [MemberData(nameof(Cuts))]
    public void Perturbing_later_registers_leaves_patches_and_earlier_registers_unchanged(int last, int redundant)
    {
        var config = TrainedTokenizers.Config with { RedundantRegisters = redundant };
        using var model = Build(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = new SyntheticShapes().Sample(4, new Random(1));
        var before = model.encoder_states(images);

        var parameters = model.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter);
        using var generator = new Generator(2);
        var table = parameters["register_table.weight"];
        table[(last + 1)..] += randn(new long[] { config.Registers - last - 1, config.Dim }, generator: generator);
        var after = model.encoder_states(images);

        int patches = config.Patches, unchanged = patches + last + 1;
        var same = (before[.., ..unchanged] - after[.., ..unchanged]).abs().max().item<float>();
        var moved = (before[.., unchanged..] - after[.., unchanged..]).abs().amax(new long[] { 0, 2 });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"registers after {last} perturbed ({redundant} redundant): max |Δ| over patches and registers ≤ {last} = {same:E2}; smallest change of a later register {moved.min().item<float>():F4}"));
        Assert.True(same < 1e-6, $"patches and registers ≤ {last} moved by {same}");
        Assert.True(moved.min().item<float>() > 1e-3, "every later register (clones included) must see the perturbation");
    }

    [Fact]
    public void Perturbing_the_inputs_of_later_registers_is_just_as_invisible()
    {
        var config = TrainedTokenizers.Config;
        using var model = Build(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = new SyntheticShapes().Sample(4, new Random(3));
        var before = model.encoder_states(images);
        var positions = model.named_parameters().Single(pair => pair.name.StartsWith("register_positions.", StringComparison.Ordinal)).parameter;
        using var generator = new Generator(4);
        positions[8..] += randn(new long[] { config.Tokens - 8, config.Dim }, generator: generator);
        var after = model.encoder_states(images);
        var visible = config.Patches + 8;
        var same = (before[.., ..visible] - after[.., ..visible]).abs().max().item<float>();
        output.WriteLine($"positions of registers ≥ 8 perturbed: max |Δ| before them = {same:E2}");
        Assert.True(same < 1e-6, $"earlier outputs moved by {same}");
    }

    [Fact]
    public void A_patch_reaches_every_register_and_every_patch()
    {
        var config = TrainedTokenizers.Config;
        using var model = Build(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = new SyntheticShapes().Sample(2, new Random(5));
        var before = model.encoder_states(images);
        var changed = images.clone();
        changed[.., .., ..4, ..4] = -changed[.., .., ..4, ..4] + 0.5;
        var after = model.encoder_states(changed);
        var moved = (before - after).abs().amax(new long[] { 0, 2 });
        Assert.True(moved.min().item<float>() > 1e-4, "the first patch must reach every output (full attention among patches, registers see all patches)");
    }
}
