using System;
using Torchwright.Runtime.Data;
using Torchwright.Runtime.Text;
using Xunit;

namespace Torchwright.Runtime.Tests.Data;

/// <summary>Batch samplers name the size that is wrong instead of failing with an overflow or a null reference.</summary>
public sealed class BatchArgumentTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void A_window_length_below_one_is_blamed_on_the_length_not_the_corpus(int length)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ByteBatches(new byte[100], length));

        Assert.Equal("length", error.ParamName);
    }

    [Fact]
    public void A_window_as_long_as_int_max_is_refused_as_too_long_for_the_corpus()
    {
        // length + 1 overflows int, which used to let the check pass.
        var error = Assert.Throws<ArgumentException>(() => new ByteBatches(new byte[100], int.MaxValue));

        Assert.Equal("corpus", error.ParamName);
        Assert.Contains("100 bytes", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Byte_batches_need_a_positive_batch_size(int batchSize)
    {
        var batches = new ByteBatches(new byte[100], 8);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => batches.Sample(batchSize, new Random(1)));

        Assert.Equal("batchSize", error.ParamName);
    }

    [Fact]
    public void Byte_batches_name_a_missing_random_source()
    {
        var batches = new ByteBatches(new byte[100], 8);

        Assert.Equal("random", Assert.Throws<ArgumentNullException>(() => batches.Sample(2, null!)).ParamName);
    }

    [Fact]
    public void Topic_sequences_name_a_negative_length_instead_of_overflowing()
    {
        var sequences = new TopicSequences(new TopicSequenceOptions(), seed: 1);

        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => sequences.SampleSequence(-1, new Random(1))).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => sequences.Sample(2, -3, new Random(1))).ParamName);
    }

    [Fact]
    public void A_batch_too_large_for_one_array_is_refused_by_name()
    {
        var sequences = new TopicSequences(new TopicSequenceOptions(), seed: 1);
        var batches = new ByteBatches(new byte[100], 8);

        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => sequences.Sample(1 << 20, 1 << 12, new Random(1))).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => batches.Sample(int.MaxValue / 4, new Random(1))).ParamName);
    }
}
