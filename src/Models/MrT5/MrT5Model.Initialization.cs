using System;
using static TorchSharp.torch;

namespace Torchwright.Models.MrT5;

public partial class MrT5Model
{
    /// <summary>
    /// Re-initialises every parameter from <paramref name="seed"/> alone (the global torch generator is not used, so
    /// concurrent code cannot disturb it), following T5: embeddings N(0, 1); queries N(0, (d·d_head)^−½), keys and
    /// values N(0, d^−½), output projections N(0, (H·d_head)^−½), feed-forward in N(0, d^−½) and out N(0, d_ff^−½),
    /// relative position biases N(0, d^−½), norms 1. The untied output layer gets N(0, d^−½) (T5 uses 1, which starts a
    /// small model from a very high loss). The delete gate follows MrT5: xavier-uniform weight, bias 1.
    /// </summary>
    /// <param name="seed">Seed of the private generator.</param>
    /// <exception cref="InvalidOperationException">A parameter has a name this scheme does not know.</exception>
    public void InitializeWeights(long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var _ = no_grad();
        double dim = Config.Dim, headWidth = Config.Dim / Config.Heads;
        double query = Math.Pow(dim * headWidth, -0.5), keyValue = Math.Pow(dim, -0.5), output = Math.Pow(Config.Heads * headWidth, -0.5);
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal) || name.EndsWith("norm1.weight", StringComparison.Ordinal)
                || name.EndsWith("norm2.weight", StringComparison.Ordinal))
            {
                parameter.fill_(1);
            }
            else if (name == "shared.weight")
            {
                parameter.normal_(0, 1, generator);
            }
            else if (name == "lm_head.weight" || name.EndsWith("position_bias.weight", StringComparison.Ordinal)
                || name.EndsWith(".kv.weight", StringComparison.Ordinal) || name.EndsWith("mlp.fc1.weight", StringComparison.Ordinal))
            {
                parameter.normal_(0, keyValue, generator);
            }
            else if (name.EndsWith("attn.qkv.weight", StringComparison.Ordinal))
            {
                var width = Config.Dim;
                parameter.narrow(0, 0, width).normal_(0, query, generator);
                parameter.narrow(0, width, 2 * width).normal_(0, keyValue, generator);
            }
            else if (name.EndsWith("attn.q.weight", StringComparison.Ordinal))
            {
                parameter.normal_(0, query, generator);
            }
            else if (name.EndsWith("attn.proj.weight", StringComparison.Ordinal))
            {
                parameter.normal_(0, output, generator);
            }
            else if (name.EndsWith("mlp.fc2.weight", StringComparison.Ordinal))
            {
                parameter.normal_(0, Math.Pow(Config.FeedForward, -0.5), generator);
            }
            else if (name == "delete_gate.feed_forward.weight")
            {
                var bound = Math.Sqrt(6.0 / (parameter.shape[0] + parameter.shape[1]));
                parameter.uniform_(-bound, bound, generator);
            }
            else if (name == "delete_gate.feed_forward.bias")
            {
                parameter.fill_(1);
            }
            else
            {
                throw new InvalidOperationException($"InitializeWeights does not know how to initialise '{name}'.");
            }
        }
    }
}
