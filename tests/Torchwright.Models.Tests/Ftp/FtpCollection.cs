using Xunit;

namespace Torchwright.Models.Tests.Ftp;

/// <summary>
/// The FTP tests run on their own, after the parallel ones: model builds re-seed torch's process-global generator,
/// and the trained models are shared through <see cref="TrainedTopicModels"/> (trained once per run).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FtpCollection : ICollectionFixture<TrainedTopicModels>
{
    public const string Name = "Ftp";
}
