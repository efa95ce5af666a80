using System;
using static TorchSharp.torch;

namespace Torchwright.Runtime;

/// <summary>
/// The low-precision copy of one weight. Under gradient recording the cast is made per call (it is part
/// of the graph, so the fp32 master weight gets the gradient); without gradients it is kept while
/// caching is on (<see cref="CastCaches"/>), so that inference casts each weight once, not per call.
/// </summary>
internal sealed class CastCache
{
    private Tensor? copy;

    public Tensor Get(Tensor weight, ScalarType type, bool cacheAllowed)
    {
        if (weight.dtype == type)
        {
            return weight.alias();
        }
        if (!cacheAllowed || is_grad_enabled())
        {
            Clear();
            return weight.to(type);
        }
        if (copy is null || copy.dtype != type)
        {
            Clear();
            copy = weight.detach().to(type).DetachFromDisposeScope();
        }
        return copy.alias();
    }

    public void Clear()
    {
        copy?.Dispose();
        copy = null;
    }
}

/// <summary>Switches weight-cast caching on for a model's inference and off (clearing the copies) when disposed.</summary>
public static class CastCaches
{
    [ThreadStatic]
    private static int depth;

    /// <summary>Whether low-precision weight copies may be kept between calls on this thread.</summary>
    public static bool Enabled => depth > 0;

    /// <summary>
    /// Keeps low-precision weight copies between no-grad calls until disposed. Only valid while the weights
    /// do not change: do not train or load weights inside the scope.
    /// </summary>
    /// <param name="module">The model whose copies are dropped when the scope ends.</param>
    public static IDisposable Begin(nn.Module module)
    {
        depth++;
        return new Scope(module);
    }

    private sealed class Scope(nn.Module module) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            depth--;
            foreach (var child in module.modules())
            {
                (child as Blocks.Linear)?.ClearCastCache();
            }
        }
    }
}
