using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>Tiny modules with weights fixed by a seed, and a bit-exact snapshot of their state.</summary>
internal static class TestModules
{
    /// <summary>Two linear layers plus an integer buffer: keys fc1.*, fc2.*, steps.</summary>
    internal sealed class TwoLayer : torch.nn.Module<torch.Tensor, torch.Tensor>
    {
        private readonly Linear fc1;
        private readonly Linear fc2;

        public TwoLayer(int hidden, int outputs = 2) : base(nameof(TwoLayer))
        {
            fc1 = torch.nn.Linear(3, hidden);
            fc2 = torch.nn.Linear(hidden, outputs);
            register_buffer("steps", torch.tensor(new long[] { 0 }));
            RegisterComponents();
        }

        public override torch.Tensor forward(torch.Tensor input) => fc2.forward(fc1.forward(input));
    }

    public static TwoLayer Seeded(int seed, int hidden = 4, int outputs = 2) => Redrawn(new TwoLayer(hidden, outputs), seed);

    public static Linear SeededLinear(int seed, int inputs, int outputs) => Redrawn(torch.nn.Linear(inputs, outputs), seed);

    /// <summary>Fails unless every parameter of <paramref name="target"/> differs from <paramref name="source"/>'s: a load
    /// that skipped one would otherwise go unseen.</summary>
    public static void AssertEveryParameterDiffers(torch.nn.Module source, torch.nn.Module target)
    {
        var before = Snapshot(target);
        foreach (var (name, bytes) in Snapshot(source).Where(p => p.Key != "steps"))
        {
            Assert.False(bytes.SequenceEqual(before[name]), $"precondition: {name} is already equal before the load");
        }
    }

    // Weights from a private generator: the constructors draw from torch's global one, which parallel tests re-seed.
    private static T Redrawn<T>(T module, int seed) where T : torch.nn.Module
    {
        using var generator = new torch.Generator((ulong)seed);
        using var _ = torch.no_grad();
        foreach (var parameter in module.parameters())
        {
            using var values = torch.rand(parameter.shape, generator: generator);
            parameter.copy_(values.mul_(2).sub_(1)); // uniform in [-1, 1)
        }
        return module;
    }

    public static Dictionary<string, byte[]> Snapshot(torch.nn.Module module)
    {
        // Only the detached views are created here, so the scope never touches the parameters.
        using var scope = torch.NewDisposeScope();
        return module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().contiguous().bytes.ToArray());
    }
}
