using Xunit;

namespace Torchwright.Models.Tests.Zett;

/// <summary>
/// The ZeTT tests share one trained setup and seed torch's global generator while training it, so they run
/// together and alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ZettCollection : ICollectionFixture<TrainedZett>
{
    public const string Name = "Zett";
}
