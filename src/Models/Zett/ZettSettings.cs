namespace Torchwright.Models.Zett;

/// <summary>
/// Everything that sizes a ZeTT run: the base model, its tokenizer (GPT-2's first merges), its training, the
/// hypernetwork and its two phases. The defaults are the tiny faithful version.
/// </summary>
public sealed record ZettSettings
{
    /// <summary>GPT-2 merges kept in the original tokenizer (it has 256 + this + begin-of-text tokens).</summary>
    public int OriginalMerges { get; init; } = 256;

    /// <summary>The most merges a sampled tokenizer makes on its batch (40 shorten a batch by about a fifth).</summary>
    public int MaxBatchMerges { get; init; } = 80;

    /// <summary>Whether each token's log prior is added to its logit (<see cref="Zett.TokenPriors"/>), in training and after a switch. Default true.</summary>
    public bool TokenPriors { get; init; } = true;

    /// <summary>
    /// The priors' pseudo-counts, as a share of the tokens counted (<see cref="Zett.TokenPriors.FromSequences"/>), the same
    /// for a training batch and for <see cref="PriorTextLength"/> characters of prior text. Default 0.005: about add-one on
    /// the prior text's hundred thousand tokens of a 513-token vocabulary.
    /// </summary>
    public double PriorPseudoCounts { get; init; } = 0.005;

    /// <summary>Characters of training text a switched-to tokenizer's priors are counted on. Default 200,000.</summary>
    public int PriorTextLength { get; init; } = 200_000;

    /// <summary>Characters per training or evaluation chunk.</summary>
    public int ChunkLength { get; init; } = 160;

    /// <summary>Chunks per batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Base model sizes (Vocab is set from the tokenizer).</summary>
    public ZettLanguageModelConfig Model { get; init; } = new();

    /// <summary>Steps of base-model training.</summary>
    public int ModelSteps { get; init; } = 300;

    /// <summary>Peak learning rate of base-model training.</summary>
    public double ModelLearningRate { get; init; } = 3e-3;

    /// <summary>Hypernetwork sizes (SourceDim and TargetDim are set from the base model).</summary>
    public ZettHypernetworkConfig Hypernetwork { get; init; } = new();

    /// <summary>Identity warm-up steps on the original vocabulary. Default 250: the default hypernetwork's warm-up loss
    /// is then already 0.006 (500 steps at H = 64 reached 0.014), and transfer keeps training the same regression.</summary>
    public int IdentitySteps { get; init; } = 250;

    /// <summary>Peak learning rate of the identity warm-up (a plain regression, so it takes a higher rate).</summary>
    public double IdentityLearningRate { get; init; } = 3e-3;

    /// <summary>Steps over sampled tokenizers.</summary>
    public int TransferSteps { get; init; } = 600;

    /// <summary>Peak learning rate of the hypernetwork.</summary>
    public double HypernetworkLearningRate { get; init; } = 3e-3;

    /// <summary>Steps of the dynamic-tokenization hypernetwork (<see cref="DynamicHypernetworkTraining"/>), trained on from the
    /// transfer phase's; 0 skips it. Default 2,000.</summary>
    public int DynamicSteps { get; init; } = 2000;

    /// <summary>Peak learning rate of the dynamic-tokenization phase. Default 1.5e-3.</summary>
    public double DynamicLearningRate { get; init; } = 1.5e-3;

    /// <summary>The fewest merges a dynamic-tokenization training batch gets. Default 20.</summary>
    public int DynamicMinMerges { get; init; } = 20;

    /// <summary>The most merges a dynamic-tokenization training batch gets (m is drawn uniformly between the two). Default 80.</summary>
    public int DynamicMaxMerges { get; init; } = 80;

    /// <summary>λ_lex, the weight of the lexical MSE.</summary>
    public double LexicalWeight { get; init; } = 0.5;

    /// <summary>Where trainers write metrics and loss plots (nothing is written when null).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Seed of every draw (text, chunks, tokenizers, weights).</summary>
    public int Seed { get; init; } = 17;
}
