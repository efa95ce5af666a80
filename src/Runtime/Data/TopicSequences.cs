using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime.Data;

/// <summary>
/// Synthetic "topic" token streams: a sequence is a run of segments, each of one topic; inside a segment every
/// token is independently a content token from the topic's own Zipf distribution (over its own subset of the
/// content tokens) or a function token from a distribution all topics share. What a model can learn is the current topic, from the tokens seen so far in
/// the segment — a slowly varying state, which makes the data suited to probing and smoothness checks.
/// </summary>
/// <remarks>
/// The topic distributions are fixed by the seed given to the constructor; the sequences themselves by the
/// <see cref="Random"/> passed to each call, so training and evaluation data can come from separate sources.
/// A sequence starts part-way through its first segment, so sequence starts carry no segment boundary.
/// </remarks>
public sealed class TopicSequences
{
    private readonly double[][] contentCumulative;
    private readonly double[] functionCumulative;
    private readonly int[] successor;

    /// <summary>Draws the topic distributions.</summary>
    /// <param name="options">Sizes and mixing; validated here.</param>
    /// <param name="seed">Fixes each topic's ranking of the content tokens.</param>
    public TopicSequences(TopicSequenceOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var random = new Random(seed);
        contentCumulative = new double[options.Topics][];
        for (var topic = 0; topic < options.Topics; topic++)
        {
            var order = new int[options.ContentTokens];
            for (var i = 0; i < order.Length; i++) order[i] = i;
            random.Shuffle(order);
            var weights = new double[options.ContentTokens]; // tokens outside the topic's support keep weight 0
            for (var rank = 0; rank < options.TopicSupport; rank++) weights[order[rank]] = Zipf(rank, options.ZipfExponent);
            contentCumulative[topic] = Cumulative(weights);
        }
        var functionWeights = new double[options.FunctionTokens];
        for (var rank = 0; rank < functionWeights.Length; rank++) functionWeights[rank] = Zipf(rank, options.ZipfExponent);
        functionCumulative = Cumulative(functionWeights);
        successor = new int[options.Vocabulary];
        for (var token = 0; token < successor.Length; token++)
        {
            successor[token] = options.FunctionTokens == 0 ? 0 : options.ContentTokens + random.Next(options.FunctionTokens);
        }
    }

    /// <summary>The function token that follows <paramref name="token"/> when the grammar applies (see <see cref="TopicSequenceOptions.SuccessorShare"/>).</summary>
    /// <param name="token">A token of the vocabulary.</param>
    public int Successor(int token)
    {
        if (token < 0 || token >= successor.Length) throw new ArgumentOutOfRangeException(nameof(token), token, $"The vocabulary has {successor.Length} tokens.");
        return successor[token];
    }

    /// <summary>The settings the streams are drawn with.</summary>
    public TopicSequenceOptions Options { get; }

    /// <summary>
    /// The probability of every token of the vocabulary inside a segment of <paramref name="topic"/>, for tokens drawn
    /// from the topic mixture (that is, leaving out successor tokens when <see cref="TopicSequenceOptions.SuccessorShare"/> is above 0).
    /// </summary>
    /// <param name="topic">A topic index, <c>0 ≤ topic &lt; Topics</c>.</param>
    public double[] TokenDistribution(int topic)
    {
        CheckTopic(topic);
        var probabilities = new double[Options.Vocabulary];
        AddDifferences(probabilities, 0, contentCumulative[topic], Options.ContentShare);
        AddDifferences(probabilities, Options.ContentTokens, functionCumulative, 1 - Options.ContentShare);
        return probabilities;
    }

    /// <summary>One sequence of <paramref name="length"/> tokens with the topic of each token.</summary>
    /// <param name="length">Tokens to draw, at least 1.</param>
    /// <param name="random">The source of the sequence.</param>
    public (long[] Tokens, long[] Topics) SampleSequence(int length, Random random)
    {
        var size = BatchArrays.Size(1, length);
        var tokens = new long[size];
        var topics = new long[size];
        Fill(tokens, topics, 0, length, random);
        return (tokens, topics);
    }

    /// <summary>A batch of independent sequences: tokens and topic labels, both <c>[batchSize, length]</c> int64.</summary>
    /// <param name="batchSize">Number of sequences, at least 1.</param>
    /// <param name="length">Tokens per sequence, at least 1.</param>
    /// <param name="random">The source of the sequences.</param>
    public TopicBatch Sample(int batchSize, int length, Random random)
    {
        var size = BatchArrays.Size(batchSize, length);
        var tokens = new long[size];
        var topics = new long[size];
        for (var row = 0; row < batchSize; row++) Fill(tokens, topics, row * length, length, random);
        var shape = new long[] { batchSize, length };
        return new TopicBatch(tensor(tokens, shape), tensor(topics, shape));
    }

    private void Fill(long[] tokens, long[] topics, int offset, int length, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), length, "A sequence needs at least one token.");
        var topic = random.Next(Options.Topics);
        var firstLength = SegmentLength(random);
        var left = 1 + random.Next(firstLength); // start part-way through the first segment
        for (var i = 0; i < length; i++)
        {
            if (left == 0)
            {
                topic = NextTopic(topic, random);
                left = SegmentLength(random);
            }
            left--;
            topics[offset + i] = topic;
            if (i > 0 && Options.SuccessorShare > 0 && random.NextDouble() < Options.SuccessorShare)
            {
                tokens[offset + i] = successor[tokens[offset + i - 1]];
                continue;
            }
            tokens[offset + i] = random.NextDouble() < Options.ContentShare
                ? Draw(contentCumulative[topic], random)
                : Options.ContentTokens + Draw(functionCumulative, random);
        }
    }

    private int SegmentLength(Random random) => random.Next(Options.MinSegment, Options.MaxSegment + 1);

    private int NextTopic(int current, Random random)
    {
        if (!Options.ChangeTopicAtBoundary) return random.Next(Options.Topics);
        var next = random.Next(Options.Topics - 1);
        return next >= current ? next + 1 : next;
    }

    private void CheckTopic(int topic)
    {
        if (topic < 0 || topic >= Options.Topics)
            throw new ArgumentOutOfRangeException(nameof(topic), topic, $"There are {Options.Topics} topics.");
    }

    private static double Zipf(int rank, double exponent) => Math.Pow(rank + 1, -exponent);

    // Normalised running sums, the last exactly 1, for inverse-CDF sampling.
    private static double[] Cumulative(double[] weights)
    {
        var cumulative = new double[weights.Length];
        double total = 0;
        foreach (var w in weights) total += w;
        double running = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            running += weights[i];
            cumulative[i] = running / total;
        }
        if (cumulative.Length > 0) cumulative[^1] = 1;
        return cumulative;
    }

    // The smallest index whose running sum exceeds a uniform draw: zero-weight tokens (flat steps) are never drawn.
    private static int Draw(double[] cumulative, Random random)
    {
        var u = random.NextDouble();
        int low = 0, high = cumulative.Length - 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (cumulative[middle] > u) high = middle;
            else low = middle + 1;
        }
        return low;
    }

    private static void AddDifferences(double[] into, int offset, double[] cumulative, double share)
    {
        double previous = 0;
        for (var i = 0; i < cumulative.Length; i++)
        {
            into[offset + i] = share * (cumulative[i] - previous);
            previous = cumulative[i];
        }
    }
}
