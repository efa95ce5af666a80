using System.Linq;
using Torchwright.Models.FlexTok;
using Torchwright.Runtime.Training;
using Xunit;

namespace Torchwright.Models.Tests.FlexTok;

/// <summary>The default training puts the tokenizer's attention and MLP matrices under Muon and nothing else.</summary>
public class MuonSelectionTests
{
    [Fact]
    public void Muon_takes_the_attention_and_MLP_matrices_of_every_stack_and_AdamW_the_rest()
    {
        using var model = new FlexTokModel(new FlexTokConfig());
        var hidden = MuonOptions.HiddenMatrices(model);
        var selected = model.named_parameters().Where(x => hidden.Contains(x.parameter)).Select(x => x.name).ToArray();

        // 2 encoder + 2 decoder layers × (qkv, proj, fc1, fc2), and the time and semantic MLPs' two matrices each.
        Assert.Equal(4 * 4 + 2 * 2, selected.Length);
        Assert.All(selected, name => Assert.Matches(@"^(encoder\.\d\.(attn|mlp)|decoder_(first|rest)\.0\.(attn|mlp)|time_mlp|semantic_mlp)\..*weight$", name));
        Assert.DoesNotContain(selected, name => name.Contains(".ada.") || name.Contains("positions") || name.Contains("embed") || name.Contains("head"));
        Assert.NotNull(new FlexTokTrainingOptions().Muon);
    }
}
