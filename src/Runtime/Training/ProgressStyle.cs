namespace Torchwright.Runtime.Training;

/// <summary>How the trainer reports progress on the console.</summary>
public enum ProgressStyle
{
    /// <summary>Live display on an interactive terminal; plain periodic lines when output is redirected.</summary>
    Auto,

    /// <summary>Always use the live Spectre.Console display.</summary>
    Live,

    /// <summary>Always print one plain line every <see cref="TrainingOptions.LogEvery"/> steps.</summary>
    Lines,
}
