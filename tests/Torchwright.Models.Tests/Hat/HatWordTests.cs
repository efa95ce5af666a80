using System;
using System.Linq;
using System.Text;
using Torchwright.Models.Hat;
using Torchwright.Runtime.Text;
using Torchwright.Runtime.Text.Words;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Hat;

/// <summary>Item 2: the backbone runs on the splitter's words, one position per word; and how much that compresses.</summary>
[Collection(HatCollection.Name)]
public class HatWordTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Hello, world! The backbone sees one position per word.")]
    [InlineData("camelCaseWords and  two  spaces\nnew line, 3.14 and don't")]
    [InlineData("Grüße aus Köln — Ελληνικά, русский, 日本語のテキスト.")]
    public void Backbone_length_equals_the_splitters_word_count(string text)
    {
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 31);
        var bytes = Encoding.UTF8.GetBytes(text);
        using var _ = no_grad();
        using var inputs = HatInputs.FromRows(new[] { bytes }, model.Config.MaxWordBytes);
        using var words = model.word_states(inputs.Bytes, inputs.ByteWords, inputs.WordGroups);
        int expected = WordSplitter.Split(text).Count;
        Assert.Equal(expected, words.shape[1]);
        using var logits = inputs.LogitsOf(model);
        Assert.Equal(expected, model.LastBackboneLength);
        Assert.Equal(bytes.Length, logits.shape[1]);
    }

    [Fact]
    public void Corpus_compresses_to_words_of_at_least_four_bytes()
    {
        foreach (var (name, text) in new[] { ("Zipf lexicon", ZipfCorpus.Generate(100_000)), ("SyntheticText", SyntheticText.Generate(100_000)) })
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var spans = WordSplitter.GetWordSpans(bytes, HatTestModels.Tiny.MaxWordBytes);
            double bytesPerWord = (double)bytes.Length / spans.Count;
            output.WriteLine($"{name}: {bytes.Length} bytes, {spans.Count} words, {bytesPerWord:F2} bytes per word; " +
                $"backbone attention ≈ 1/{bytesPerWord * bytesPerWord:F0} of a byte-level model's");
            Assert.True(bytesPerWord >= 4, $"{name}: {bytesPerWord:F2} bytes per word");
        }
    }

    [Theory]
    [InlineData("Hello, world! camelCase  and 3.14, don't")]
    [InlineData("Grüße aus Köln — Ελληνικά, русский, 日本語のテキスト.")]
    public void Streamed_word_boundaries_equal_the_splitters_on_valid_text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var split = HatInputs.FromRows(new[] { bytes }, 32);
        using var streamed = HatInputs.FromStream(bytes, 32);
        Assert.Equal(split.ByteWords.data<long>().ToArray(), streamed.ByteWords.data<long>().ToArray());
        Assert.Equal(split.WordCounts, streamed.WordCounts);
    }

    [Fact]
    public void Padded_word_slots_change_nothing()
    {
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 32);
        var few = Encoding.UTF8.GetBytes("aaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb");
        var many = Encoding.UTF8.GetBytes("a b c d e f g h i j k l m n o p q r s tt");
        using var _ = no_grad();
        using var batch = HatInputs.FromRows(new[] { few, many }, model.Config.MaxWordBytes);
        Assert.Equal(new[] { 2, 20 }, batch.WordCounts.ToArray());
        using var together = batch.LogitsOf(model);
        for (int row = 0; row < 2; row++)
        {
            using var alone = HatInputs.FromRows(new[] { row == 0 ? few : many }, model.Config.MaxWordBytes);
            TensorAssert.Close(alone.LogitsOf(model)[0], together[row], 1e-5, $"row {row} in a padded batch");
        }
    }

    [Fact]
    public void Parameters_carry_the_reference_prefixes_and_widths()
    {
        using var model = HatTestModels.Create(HatTestModels.Tiny, seed: 33);
        var names = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        foreach (var prefix in new[] { "encoder.", "encoder_connector.", "backbone.", "decoder_connector.", "decoder.", "layer_norm.", "lm_head." })
        {
            Assert.Contains(names.Keys, name => name.StartsWith(prefix, StringComparison.Ordinal));
        }
        Assert.Equal(new long[] { 256, 64 }, names["encoder_connector.attn.kv.weight"]); // D_e → 2·D_b keys and values
        Assert.Equal(new long[] { 1, 1, 128 }, names["first_word_embedding.weight"]);
        Assert.Equal(new long[] { 64, 128 }, names["decoder_connector.v.weight"]); // D_b → D_e
        Assert.Equal(new long[] { 256, 64 }, names["lm_head.weight"]);
    }

    [Fact]
    public void Rows_of_different_lengths_are_refused_with_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => HatInputs.FromRows(new[] { new byte[] { 1, 2 }, new byte[] { 1 } }, 32));
        Assert.Contains("same length", error.Message);
    }
}
