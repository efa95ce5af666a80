namespace Torchwright;

/// <summary>The numeric precision a model computes in.</summary>
public enum Precision
{
    /// <summary>Everything in fp32.</summary>
    Float32,

    /// <summary>
    /// bf16 mixed precision in the manner of autocast: matrix products and attention in bf16; norms,
    /// softmax statistics, the residual stream and the model's outputs (hence losses) in fp32; parameters
    /// and optimizer state stay fp32 (master weights).
    /// </summary>
    BFloat16Mixed,
}
