using System;

namespace Torchwright.Runtime.Data;

/// <summary>
/// How <see cref="TopicSequences"/> draws its token streams. Token ids are laid out as
/// <c>[0, ContentTokens)</c> for content tokens and <c>[ContentTokens, ContentTokens + FunctionTokens)</c>
/// for function tokens, so the vocabulary is <see cref="Vocabulary"/>. The defaults are the tiny
/// "topic" data of the FTP checks: 8 topics, 200 content and 56 function tokens (vocabulary 256),
/// segments of 32–64 tokens, content and function tokens mixed 50/50, each topic drawing its content tokens
/// from its own 25 of the 200.
/// </summary>
public sealed record TopicSequenceOptions
{
    /// <summary>Number of topics, each with its own distribution over the content tokens. Default 8.</summary>
    public int Topics { get; init; } = 8;

    /// <summary>Number of content tokens, whose frequencies depend on the topic. Default 200.</summary>
    public int ContentTokens { get; init; } = 200;

    /// <summary>
    /// How many content tokens each topic uses: a random subset of this size per topic (topics may share some).
    /// Default 25, so that 8 topics cover the 200 content tokens about once and one content token mostly
    /// reveals its topic; <see cref="ContentTokens"/> makes every topic use every content token, in its own order.
    /// </summary>
    public int TopicSupport { get; init; } = 25;

    /// <summary>Number of function tokens, shared by every topic. Default 56.</summary>
    public int FunctionTokens { get; init; } = 56;

    /// <summary>Shortest segment (a run of one topic), in tokens. Default 32.</summary>
    public int MinSegment { get; init; } = 32;

    /// <summary>Longest segment, in tokens (inclusive). Default 64.</summary>
    public int MaxSegment { get; init; } = 64;

    /// <summary>Probability that a token is a content token rather than a function token. Default 0.5.</summary>
    public double ContentShare { get; init; } = 0.5;

    /// <summary>
    /// Exponent of the Zipf weights (rank r gets weight <c>1/(r+1)^s</c>) used for every distribution; each topic
    /// ranks its content tokens in its own random order. Default 1.0.
    /// </summary>
    public double ZipfExponent { get; init; } = 1.0;

    /// <summary>
    /// Probability that a token, instead of being drawn from the topic mixture, is the fixed successor of the token
    /// before it: a shared, topic-neutral "grammar" mapping every token to a function token. It adds local structure
    /// that a next-token predictor must track token by token. Default 0: tokens are independent given the topic.
    /// </summary>
    public double SuccessorShare { get; init; }

    /// <summary>Whether a new segment always changes the topic. Default true, so every boundary is a real topic shift.</summary>
    public bool ChangeTopicAtBoundary { get; init; } = true;

    /// <summary>Vocabulary size: content plus function tokens.</summary>
    public int Vocabulary => ContentTokens + FunctionTokens;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (Topics < 1) throw new ArgumentException($"Topics must be at least 1, got {Topics}.");
        if (ChangeTopicAtBoundary && Topics < 2) throw new ArgumentException("ChangeTopicAtBoundary needs at least 2 topics.");
        if (ContentTokens < 1) throw new ArgumentException($"ContentTokens must be at least 1, got {ContentTokens}.");
        if (TopicSupport < 1 || TopicSupport > ContentTokens)
            throw new ArgumentException($"TopicSupport must be between 1 and ContentTokens ({ContentTokens}), got {TopicSupport}.");
        if (FunctionTokens < 0) throw new ArgumentException($"FunctionTokens must not be negative, got {FunctionTokens}.");
        if (MinSegment < 1 || MaxSegment < MinSegment)
            throw new ArgumentException($"Segments need 1 <= MinSegment <= MaxSegment, got {MinSegment} and {MaxSegment}.");
        if (!(ContentShare > 0 && ContentShare <= 1)) throw new ArgumentException($"ContentShare must be in (0, 1], got {ContentShare}.");
        if (ContentShare < 1 && FunctionTokens == 0) throw new ArgumentException("ContentShare below 1 needs function tokens.");
        if (!(SuccessorShare >= 0 && SuccessorShare < 1)) throw new ArgumentException($"SuccessorShare must be in [0, 1), got {SuccessorShare}.");
        if (SuccessorShare > 0 && FunctionTokens == 0) throw new ArgumentException("SuccessorShare above 0 needs function tokens (successors are function tokens).");
        if (!(ZipfExponent >= 0) || double.IsInfinity(ZipfExponent)) throw new ArgumentException($"ZipfExponent must be finite and non-negative, got {ZipfExponent}.");
    }
}
