using System;
using System.Collections.Generic;
using Torchwright.Runtime.Deletion;
using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

/// <summary>
/// The MrT5 training loss with its controller state. Per step: soft-deletion forward, cross-entropy, the gate loss
/// <c>α·mean_non-pad(G)</c> (G ≤ 0, so it rewards deletion), and the score regulariser. Before
/// <see cref="MrT5TrainingOptions.RegularizerDelay"/> only cross-entropy (and the score term) count. After it, the step
/// uses the current α and then updates α from this batch's deletion rate, as the reference does.
/// </summary>
public sealed class MrT5Objective
{
    private readonly MrT5Model model;
    private readonly PiController? controller;
    private readonly List<MrT5StepStatistics> history = new();

    /// <summary>Creates the objective for <paramref name="model"/>.</summary>
    /// <param name="model">The model being trained.</param>
    /// <param name="options">Coefficients and controller settings.</param>
    public MrT5Objective(MrT5Model model, MrT5TrainingOptions options)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.TargetDeletionRate is { } target && !(target >= 0 && target < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), target, "The target deletion rate must be in [0, 1).");
        }
        if (options.RegularizerDelay < 0 || !(options.GateLossCoefficient >= 0) || !(options.ScoreCoefficient >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The regulariser delay and the loss coefficients must be non-negative.");
        }
        controller = options.TargetDeletionRate is null ? null : new PiController(options.ProportionalGain, options.IntegralGain);
        Alpha = options.GateLossCoefficient;
    }

    /// <summary>The settings.</summary>
    public MrT5TrainingOptions Options { get; }

    /// <summary>The gate-loss coefficient the next step will use.</summary>
    public double Alpha { get; private set; }

    /// <summary>Every step so far.</summary>
    public IReadOnlyList<MrT5StepStatistics> History => history;

    /// <summary>The loss of one step on <paramref name="batch"/>; also records the step's statistics.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="step">The global step index (the delay counts these).</param>
    public Tensor Loss(Seq2SeqBatch batch, int step)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Tensor logits, gate, excess;
        if (Options.ScoreCoefficient > 0)
        {
            (logits, gate, excess) = model.forward_scored(batch.Input, batch.DecoderInput);
        }
        else
        {
            (logits, gate) = model.forward(batch.Input, batch.DecoderInput);
            excess = zeros(1);
        }
        var crossEntropy = CrossEntropy(logits, batch.Labels);
        var real = batch.Input.ne(ByT5Bytes.Pad);
        var gateMean = gate.masked_select(real).mean();
        var rate = DeletionStatistics.Rate(gate.detach(), real, model.Config.DeletionThreshold);

        var alpha = Alpha;
        var loss = crossEntropy;
        if (step >= Options.RegularizerDelay)
        {
            if (model.Config.GateEnabled)
            {
                loss = loss + alpha * gateMean;
            }
            if (controller is not null)
            {
                Alpha = controller.Update(Options.TargetDeletionRate!.Value, rate);
            }
        }
        else
        {
            alpha = 0;
        }
        if (Options.ScoreCoefficient > 0)
        {
            loss = loss + Options.ScoreCoefficient * excess;
        }
        history.Add(new MrT5StepStatistics(step, crossEntropy.item<float>(), gateMean.item<float>(), rate, alpha, excess.item<float>(), loss.item<float>()));
        return loss;
    }

    /// <summary>Token-level cross-entropy over the labels that are not <see cref="Seq2SeqBatch.Ignored"/>.</summary>
    /// <param name="logits"><c>[B,U,Vocab]</c>.</param>
    /// <param name="labels"><c>[B,U]</c>.</param>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: Seq2SeqBatch.Ignored);
    }
}
