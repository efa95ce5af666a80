using System;
using System.Linq;
using Torchwright.Models.FlexTok;
using Torchwright.Runtime.Images;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.FlexTok;

/// <summary>The loss with every option on: null-condition dropout and ReTok's semantic alignment reach their parameters.</summary>
[Collection(FlexTokCollection.Name)]
public class ObjectiveTests(ITestOutputHelper output)
{
    [Fact]
    public void Null_condition_and_semantic_alignment_train_their_parameters()
    {
        var config = TrainedTokenizers.Config with { RedundantRegisters = 8 };
        manual_seed(51);
        using var model = new FlexTokModel(config);
        using var objective = new FlexTokObjective(config, new FlexTokObjectiveOptions { NullConditionRate = 0.5, SemanticWeight = 0.5 });
        // adaLN-zero starts every decoder layer as the identity, so at initialisation nothing reaches the registers;
        // open the gates as a few training steps would.
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (name.Contains(".ada.", StringComparison.Ordinal)) parameter.normal_(0, 0.05);
            }
        }
        using var scope = NewDisposeScope();
        var images = new SyntheticShapes().Sample(16, new Random(1));
        using var generator = new Generator(2);
        var loss = model.Loss(images, objective, generator);
        Assert.NotNull(loss.Semantic);
        var flow = loss.Flow.item<float>();
        var semantic = loss.Semantic!.item<float>();
        output.WriteLine($"flow {flow:F4}, semantic {semantic:F4}, total {loss.Total.item<float>():F4}");
        Assert.InRange(semantic, -1, 1);
        Assert.Equal(flow + 0.5f * semantic, loss.Total.item<float>(), 4);
        loss.Total.backward();
        var gradients = model.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter.grad);
        foreach (var name in new[] { "null_token.weight", "mask_token.weight", "semantic_head.weight", "register_table.weight", "to_code.weight" })
        {
            var gradient = gradients[name];
            output.WriteLine($"{name}: largest |gradient| {(gradient is null ? "none" : gradient.abs().max().item<float>().ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            Assert.True(gradient is not null && gradient.abs().max().item<float>() > 0, $"{name} must receive a gradient");
        }
    }

    [Fact]
    public void Without_options_there_is_no_semantic_term_and_no_null_gradient()
    {
        manual_seed(52);
        using var model = new FlexTokModel(TrainedTokenizers.Config);
        using var objective = new FlexTokObjective(TrainedTokenizers.Config, new FlexTokObjectiveOptions());
        using var scope = NewDisposeScope();
        var loss = model.Loss(new SyntheticShapes().Sample(8, new Random(3)), objective);
        Assert.Null(loss.Semantic);
        loss.Total.backward();
        var nullGradient = model.named_parameters().Single(pair => pair.name == "null_token.weight").parameter.grad;
        Assert.True(nullGradient is null || nullGradient.abs().max().item<float>() == 0, "the null token must stay untouched without CFG dropout");
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlexTokObjective(TrainedTokenizers.Config, new FlexTokObjectiveOptions { NullConditionRate = 1 }));
        var time = Assert.Throws<ArgumentOutOfRangeException>(() => new FlexTokObjective(TrainedTokenizers.Config, new FlexTokObjectiveOptions { TimeMean = double.NaN }));
        Assert.Equal(nameof(FlexTokObjectiveOptions.TimeMean), time.ParamName);
    }
}
