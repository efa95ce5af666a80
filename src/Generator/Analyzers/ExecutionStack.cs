using System;
using System.Runtime.CompilerServices;

namespace Torchwright.Generator.Analyzers;

/// <summary>For the analyzers' recursions over user expressions, which nest as deep as the user writes them.</summary>
internal static class ExecutionStack
{
    /// <summary>Whether the current thread's stack has room for deeper recursion. netstandard2.0 has no
    /// TryEnsureSufficientExecutionStack; the exception is thrown once, at the deepest operand.</summary>
    public static bool HasRoom()
    {
        try
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            return true;
        }
        catch (InsufficientExecutionStackException)
        {
            return false;
        }
    }
}
