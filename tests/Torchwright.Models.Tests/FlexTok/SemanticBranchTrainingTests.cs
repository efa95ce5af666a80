using System.Linq;
using Torchwright.Models.FlexTok;
using Xunit;

namespace Torchwright.Models.Tests.FlexTok;

/// <summary>
/// Without a teacher no gradient reaches the semantic branch, so training leaves it out of the optimisers — no weight
/// decay, no Muon work — and hands the model back with it trainable; with a teacher it trains.
/// </summary>
[Collection(FlexTokCollection.Name)]
public class SemanticBranchTrainingTests
{
    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.5, true)]
    public void The_semantic_branch_trains_only_with_a_teacher_and_stays_trainable(double semanticWeight, bool trains)
    {
        var options = TrainedTokenizers.Options with { Steps = 3, WarmupSteps = 1, Objective = new FlexTokObjectiveOptions { SemanticWeight = semanticWeight } };
        var (model, _) = FlexTokTraining.Train(TrainedTokenizers.Config, options with { Steps = 1 });
        using (model)
        {
            var branch = model.named_parameters().Where(x => x.name.StartsWith("semantic_", System.StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(branch);
            var before = branch.Select(x => x.parameter.detach().clone()).ToArray();

            FlexTokTraining.Continue(model, options);

            var moved = branch.Zip(before).Where(pair => !pair.First.parameter.eq(pair.Second).all().item<bool>()).Select(pair => pair.First.name).ToArray();
            Assert.Equal(trains ? branch.Length : 0, moved.Length);
            Assert.All(branch, x => Assert.True(x.parameter.requires_grad, $"{x.name} was left frozen"));
        }
    }
}
