using System;
using System.Linq;
using TorchSharp;

namespace Torchwright.Runtime.Caching;

/// <summary>
/// Finds a module's descendant by the name its parameters are stored under (<c>decoder</c>, <c>blocks.0.attn</c>):
/// how a model's own code reaches a layer as an object, e.g. to run it step by step with a cache.
/// </summary>
public static class RegisteredModules
{
    /// <summary>The descendant of <paramref name="owner"/> registered as <paramref name="name"/>.</summary>
    /// <typeparam name="T">The module type expected there.</typeparam>
    /// <param name="owner">The module to search.</param>
    /// <param name="name">Dotted name, as in parameter names without the parameter itself.</param>
    /// <exception cref="ArgumentException">No such module, or it is not a <typeparamref name="T"/>.</exception>
    public static T Get<T>(torch.nn.Module owner, string name) where T : torch.nn.Module
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var found = owner.named_modules().FirstOrDefault(entry => entry.name == name).module;
        return found switch
        {
            T typed => typed,
            null => throw new ArgumentException($"'{owner.GetName()}' has no module named '{name}'.", nameof(name)),
            _ => throw new ArgumentException($"'{name}' in '{owner.GetName()}' is a {found.GetType().Name}, not a {typeof(T).Name}.", nameof(name)),
        };
    }
}
