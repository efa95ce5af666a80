using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Torchwright.Runtime.Tests.Checkpoints;

/// <summary>Tiny modules with fixed seeds, and a bit-exact snapshot of their state.</summary>
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

    public static TwoLayer Seeded(int seed, int hidden = 4, int outputs = 2)
    {
        torch.manual_seed(seed);
        return new TwoLayer(hidden, outputs);
    }

    public static Linear SeededLinear(int seed, int inputs, int outputs)
    {
        torch.manual_seed(seed);
        return torch.nn.Linear(inputs, outputs);
    }

    public static Dictionary<string, byte[]> Snapshot(torch.nn.Module module)
    {
        // Only the detached views are created here, so the scope never touches the parameters.
        using var scope = torch.NewDisposeScope();
        return module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().contiguous().bytes.ToArray());
    }
}
