using System;
using System.Linq;
using Torchwright.Runtime.Data;
using Torchwright.Runtime.Probes;
using Xunit;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Ftp;

/// <summary>The topic-sequence generator, the logistic probe and the adjacent-cosine measure.</summary>
[Collection(FtpCollection.Name)]
public class TopicDataAndProbeTests
{
    [Fact]
    public void Topic_sequences_are_reproducible_and_follow_the_options()
    {
        var options = new TopicSequenceOptions();
        var data = new TopicSequences(options, 7);
        var (tokens, topics) = data.SampleSequence(4000, new Random(5));
        var (again, _) = new TopicSequences(options, 7).SampleSequence(4000, new Random(5));
        Assert.Equal(tokens, again);
        Assert.Equal(256, options.Vocabulary);
        Assert.All(tokens, token => Assert.InRange(token, 0, 255));
        Assert.All(topics, topic => Assert.InRange(topic, 0, 7));

        // Segment lengths: every run after the (truncated) first and before the (truncated) last lies in 32..64.
        var runs = Runs(topics);
        Assert.All(runs.Skip(1).SkipLast(1), run => Assert.InRange(run, 32, 64));

        var contentShare = tokens.Count(t => t < options.ContentTokens) / (double)tokens.Length;
        Assert.InRange(contentShare, 0.45, 0.55);
    }

    [Fact]
    public void Topic_distributions_differ_and_sum_to_one()
    {
        var data = new TopicSequences(new TopicSequenceOptions(), 7);
        var first = data.TokenDistribution(0);
        var second = data.TokenDistribution(1);
        Assert.Equal(1.0, first.Sum(), 9);
        var firstContent = first.Take(200).ToArray();
        var secondContent = second.Take(200).ToArray();
        Assert.NotEqual(Array.IndexOf(firstContent, firstContent.Max()), Array.IndexOf(secondContent, secondContent.Max()));
        Assert.Equal(first.Skip(200), second.Skip(200)); // function tokens are shared
        Assert.Equal(25, firstContent.Count(p => p > 0)); // each topic uses its own 25 content tokens
        Assert.Throws<ArgumentOutOfRangeException>(() => data.TokenDistribution(8));
        Assert.Throws<ArgumentException>(() => new TopicSequences(new TopicSequenceOptions { MinSegment = 10, MaxSegment = 5 }, 1));
    }

    [Fact]
    public void Successor_share_adds_a_shared_grammar_of_function_tokens()
    {
        var data = new TopicSequences(new TopicSequenceOptions { SuccessorShare = 0.3 }, 7);
        var (tokens, _) = data.SampleSequence(5000, new Random(3));
        var followed = Enumerable.Range(1, tokens.Length - 1).Count(i => tokens[i] == data.Successor((int)tokens[i - 1])) / (double)(tokens.Length - 1);
        Assert.InRange(followed, 0.3, 0.36); // 30% by the grammar, plus chance matches from the topic mixture
        Assert.InRange(data.Successor(0), 200, 255);
        Assert.Throws<ArgumentException>(() => new TopicSequences(new TopicSequenceOptions { SuccessorShare = 1 }, 7));
    }

    [Fact]
    public void Batches_hold_tokens_and_topics()
    {
        var data = new TopicSequences(new TopicSequenceOptions(), 7);
        using var batch = data.Sample(3, 17, new Random(1));
        Assert.Equal(new long[] { 3, 17 }, batch.Tokens.shape);
        Assert.Equal(new long[] { 3, 17 }, batch.Topics.shape);
    }

    [Fact]
    public void Probe_reads_linearly_separable_classes_and_not_noise()
    {
        using var generator = new Generator(9);
        using var scope = NewDisposeScope();
        var labels = randint(0, 4, new long[] { 800 }, generator: generator);
        var centres = randn(new long[] { 4, 16 }, generator: generator) * 3;
        var features = centres.index_select(0, labels) + randn(new long[] { 800, 16 }, generator: generator);

        using var probe = LogisticProbe.Fit(features[..400], labels[..400], 4);
        Assert.True(probe.Accuracy(features[400..], labels[400..]) > 0.95);

        var noise = randint(0, 4, new long[] { 800 }, generator: generator);
        using var blind = LogisticProbe.Fit(features[..400], noise[..400], 4);
        Assert.InRange(blind.Accuracy(features[400..], noise[400..]), 0.1, 0.4);

        var error = Assert.Throws<ArgumentException>(() => LogisticProbe.Fit(features, labels, 3));
        Assert.Contains("[0, 3)", error.Message);
    }

    [Fact]
    public void Adjacent_cosine_is_one_for_constant_sequences_and_minus_one_for_alternating_ones()
    {
        using var scope = NewDisposeScope();
        var constant = ones(new long[] { 2, 5, 3 });
        Assert.Equal(1.0, AdjacentCosine.Mean(constant), 5);
        var alternating = tensor(new float[] { 1, 0, -1, 0, 1, 0 }, new long[] { 1, 3, 2 });
        Assert.Equal(-1.0, AdjacentCosine.Mean(alternating), 5);
        Assert.Equal(new long[] { 2, 4 }, AdjacentCosine.PerStep(constant).shape);
    }

    private static System.Collections.Generic.List<int> Runs(long[] topics)
    {
        var runs = new System.Collections.Generic.List<int> { 1 };
        for (var i = 1; i < topics.Length; i++)
        {
            if (topics[i] == topics[i - 1]) runs[^1]++;
            else runs.Add(1);
        }
        return runs;
    }
}
