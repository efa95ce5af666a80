using Xunit;

namespace Torchwright.Models.Tests.FlexTok;

/// <summary>
/// The FlexTok tests run on their own: model builds re-seed torch's process-global generator, and the trained
/// tokenizers are shared through <see cref="TrainedTokenizers"/> (each trained once per run, on first use).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FlexTokCollection : ICollectionFixture<TrainedTokenizers>
{
    public const string Name = "FlexTok";
}
