using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Torchwright.Generator.Catalogue;
using Torchwright.Generator.Diagnostics;
using Torchwright.Generator.Parsing;
using ArgumentKind = Microsoft.CodeAnalysis.Operations.ArgumentKind;

namespace Torchwright.Generator.Analyzers;

/// <summary>
/// Reports what breaks CUDA-graph capture (TW4xxx) inside methods marked [Capturable]: host
/// synchronisation, data-dependent shapes, C# control flow on tensor values, tensors built from managed
/// data, and random operations without an explicit generator. The body is checked as written; methods
/// it calls are not followed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CaptureAnalyzer : DiagnosticAnalyzer
{
    private static readonly HashSet<string> HostReads = new(StringComparer.Ordinal)
    {
        "item", "ToArray", "data", "cpu", "tolist", "ToScalar", "ToSingle", "ToDouble", "ToInt32", "ToInt64", "ToInt16", "ToByte",
        "ToBoolean", "ToHalf", "ToBFloat16", "ToComplexFloat32", "ToComplexFloat64", "ToString", "str", "jlstr", "npstr", "cstr",
        "print", "numpy", "allclose", "bytes", "ToNDArray",
    };

    // Members of a tensor that read metadata kept on the host, not values on the device.
    private static readonly HashSet<string> Metadata = new(StringComparer.Ordinal)
    {
        "size", "dim", "numel", "element_size", "is_contiguous", "is_floating_point", "is_complex", "stride", "storage_offset",
        "GetHashCode", "Equals",
    };

    private static readonly HashSet<string> DataDependent = new(StringComparer.Ordinal)
    {
        "nonzero", "masked_select", "unique", "unique_consecutive", "argwhere", "bincount",
    };

    private static readonly HashSet<string> FromManaged = new(StringComparer.Ordinal)
    {
        "tensor", "from_array", "as_tensor", "ToTensor", "frombuffer", "asarray",
    };

    private static readonly HashSet<string> Random = new(StringComparer.Ordinal)
    {
        "rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial", "poisson", "normal_", "uniform_", "bernoulli_",
        "random_", "exponential_", "cauchy_", "log_normal_", "geometric_", "rand_like", "randn_like", "randint_like",
    };

    private static readonly HashSet<string> Dropouts = new(StringComparer.Ordinal)
    {
        "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    };

    private static readonly HashSet<string> Masks = new(StringComparer.Ordinal)
    {
        "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not", "isnan", "isinf", "isfinite",
        "isneginf", "isposinf", "greater", "less", "greater_equal", "less_equal", "not_equal", "bool",
    };

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.HostSynchronisation, Descriptors.DataDependentShape, Descriptors.TensorControlFlow,
        Descriptors.ManagedDataTensor, Descriptors.UnseededRandom, Descriptors.InternalError);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationBlockAction(Analyze);
    }

    private static void Analyze(OperationBlockAnalysisContext context)
    {
        if (context.OwningSymbol is not IMethodSymbol method
            || !method.GetAttributes().Any(a => a.AttributeClass is { } c && SymbolText.MetadataName(c) == LayerCatalogue.CapturableAttribute))
        {
            return;
        }
        try
        {
            var checker = new Checker(context, method);
            foreach (var block in context.OperationBlocks)
            {
                checker.Check(block);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.InternalError, method.Locations.FirstOrDefault(), method.Name, exception.GetType().Name + ": " + exception.Message));
        }
    }

    private sealed class Checker
    {
        private readonly OperationBlockAnalysisContext context;
        private readonly IMethodSymbol method;
        private readonly HashSet<ILocalSymbol> hostLocals = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ILocalSymbol> maskLocals = new(SymbolEqualityComparer.Default);

        public Checker(OperationBlockAnalysisContext context, IMethodSymbol method)
        {
            this.context = context;
            this.method = method;
        }

        public void Check(IOperation root)
        {
            var all = root.DescendantsAndSelf().ToList();

            // Locals that hold a value read from a tensor, or a boolean mask; a fixed point over assignments.
            bool changed;
            do
            {
                changed = false;
                foreach (var (local, value) in Writes(all))
                {
                    if (IsHostValue(value) && hostLocals.Add(local))
                    {
                        changed = true;
                    }
                    if (IsMask(value) && maskLocals.Add(local))
                    {
                        changed = true;
                    }
                }
            }
            while (changed);

            foreach (var operation in all)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    case IInvocationOperation invocation:
                        CheckInvocation(invocation);
                        break;
                    case IConversionOperation conversion:
                        CheckConversion(conversion);
                        break;
                    case IInterpolationOperation interpolation when IsTensor(Unwrap(interpolation.Expression).Type):
                        Report(Descriptors.HostSynchronisation, interpolation, "formats a tensor into a string, which copies its values to the host");
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String } concatenation
                        when IsTensor(Unwrap(concatenation.LeftOperand).Type) || IsTensor(Unwrap(concatenation.RightOperand).Type):
                        Report(Descriptors.HostSynchronisation, concatenation, "turns a tensor into a string, which copies its values to the host");
                        break;
                    case IPropertyReferenceOperation { Property.IsIndexer: true } indexer when indexer.Instance is { } instance && IsTensor(instance.Type):
                        CheckMaskIndex(indexer, indexer.Arguments.Select(a => a.Value));
                        break;
                    case IConditionalOperation conditional when DependsOnTensor(conditional.Condition):
                        Report(Descriptors.TensorControlFlow, conditional.Condition, "branches on a value read from a tensor; a replay always takes the branch taken at capture");
                        break;
                    case IWhileLoopOperation { Condition: { } condition } when DependsOnTensor(condition):
                        Report(Descriptors.TensorControlFlow, condition, "loops on a value read from a tensor; a replay always runs the iterations counted at capture");
                        break;
                    case IForLoopOperation { Condition: { } condition } when DependsOnTensor(condition):
                        Report(Descriptors.TensorControlFlow, condition, "loops on a value read from a tensor; a replay always runs the iterations counted at capture");
                        break;
                    case ISwitchOperation switchOperation when DependsOnTensor(switchOperation.Value):
                        Report(Descriptors.TensorControlFlow, switchOperation.Value, "switches on a value read from a tensor; a replay always takes the case taken at capture");
                        break;
                    case ISwitchExpressionOperation switchExpression when DependsOnTensor(switchExpression.Value):
                        Report(Descriptors.TensorControlFlow, switchExpression.Value, "switches on a value read from a tensor; a replay always takes the arm taken at capture");
                        break;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical
                        when DependsOnTensor(logical.LeftOperand):
                        Report(Descriptors.TensorControlFlow, logical.LeftOperand, "short-circuits on a value read from a tensor; a replay always evaluates what was evaluated at capture");
                        break;
                }
            }
        }

        private static IEnumerable<(ILocalSymbol Local, IOperation Value)> Writes(List<IOperation> all)
        {
            foreach (var operation in all)
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator:
                        yield return (declarator.Symbol, value);
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                        yield return (target.Local, assignment.Value);
                        break;
                }
            }
        }

        private void CheckInvocation(IInvocationOperation invocation)
        {
            var target = invocation.TargetMethod;
            var name = target.Name;
            var receiverIsTensor = invocation.Instance is { } instance ? IsTensor(instance.Type)
                : target.IsExtensionMethod && target.Parameters.Length > 0 && IsTensor(target.Parameters[0].Type);
            var isTorch = IsTorch(target);

            if (receiverIsTensor && HostReads.Contains(name))
            {
                Report(Descriptors.HostSynchronisation, invocation, $"reads tensor values on the host ({name}), which waits for the device");
                return;
            }
            if (receiverIsTensor && name == "to" && invocation.Arguments.Any(IsCpuDevice))
            {
                Report(Descriptors.HostSynchronisation, invocation, "copies the tensor to the CPU, which waits for the device");
                return;
            }
            if ((receiverIsTensor || isTorch) && DataDependent.Contains(name)
                || (receiverIsTensor || isTorch) && name == "repeat_interleave" && invocation.Arguments.Any(a => a.Parameter?.Name == "repeats" && IsTensor(a.Parameter.Type))
                || isTorch && name == "where" && invocation.Arguments.Count(a => a.ArgumentKind != ArgumentKind.DefaultValue) == 1)
            {
                Report(Descriptors.DataDependentShape, invocation, $"gives a result whose size depends on the values ({name})");
                return;
            }
            if (receiverIsTensor && name == "index" && invocation.Arguments.Length == 1)
            {
                CheckMaskIndex(invocation, invocation.Arguments.Select(a => a.Value));
            }
            if (isTorch && FromManaged.Contains(name) && invocation.Arguments.FirstOrDefault() is { } source && !IsTensor(Unwrap(source.Value).Type)
                || name == "ToTensor" && target.IsExtensionMethod)
            {
                Report(Descriptors.ManagedDataTensor, invocation, $"copies managed data into a new tensor ({name}); a replay reuses the values copied at capture");
                return;
            }
            if ((isTorch || receiverIsTensor) && Random.Contains(name))
            {
                var generator = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "generator");
                var explicitGenerator = generator is not null && generator.ArgumentKind != ArgumentKind.DefaultValue
                    && generator.Value.ConstantValue is not { HasValue: true, Value: null };
                if (!explicitGenerator)
                {
                    Report(Descriptors.UnseededRandom, invocation, generator is null
                        ? $"draws random numbers ({name}) from the default generator and takes no generator; use the variant with a generator"
                        : $"draws random numbers ({name}) from the default generator; pass generator: with a generator the capture plan owns");
                }
                return;
            }
            if (isTorch && Dropouts.Contains(name))
            {
                var training = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "training");
                if (training?.Value.ConstantValue is not { HasValue: true, Value: false })
                {
                    Report(Descriptors.UnseededRandom, invocation, $"draws a random mask ({name}) from the default generator while training; pass training: false for inference capture, or keep dropout outside the captured region");
                }
                return;
            }
            if (target.ContainingType is { Name: "Console" or "Debug" or "Trace", ContainingNamespace: { } ns }
                && ns.ToDisplayString() is "System" or "System.Diagnostics"
                && name.StartsWith("Write", StringComparison.Ordinal)
                && invocation.Arguments.Any(a => IsTensor(Unwrap(a.Value).Type) || a.Value is IArrayCreationOperation { Initializer: { } init } && init.ElementValues.Any(e => IsTensor(Unwrap(e).Type))))
            {
                Report(Descriptors.HostSynchronisation, invocation, "prints a tensor, which copies its values to the host");
            }
        }

        private void CheckConversion(IConversionOperation conversion)
        {
            if (conversion.OperatorMethod is not { } op || !IsTensor(op.ContainingType))
            {
                return;
            }
            if (op.Parameters.Length == 1 && IsTensor(op.Parameters[0].Type) && !IsTensor(op.ReturnType) && op.ReturnType.Name != "TensorIndex")
            {
                Report(Descriptors.HostSynchronisation, conversion, $"converts a tensor to {op.ReturnType.ToDisplayString()}, which reads its value on the host");
            }
            else if (IsTensor(op.ReturnType) && op.Parameters.Length == 1 && op.Parameters[0].Type is IArrayTypeSymbol)
            {
                Report(Descriptors.ManagedDataTensor, conversion, "converts a managed array into a new tensor; a replay reuses the values copied at capture");
            }
        }

        private void CheckMaskIndex(IOperation at, IEnumerable<IOperation> indices)
        {
            foreach (var index in indices)
            {
                var candidates = index is IArrayCreationOperation { Initializer: { } initializer } ? initializer.ElementValues : ImmutableArray.Create(index);
                foreach (var candidate in candidates)
                {
                    var value = Unwrap(candidate);
                    if (value is IInvocationOperation { TargetMethod: { Name: "Tensor", ContainingType.Name: "TensorIndex" } } wrapped && wrapped.Arguments.Length == 1)
                    {
                        value = Unwrap(wrapped.Arguments[0].Value);
                    }
                    if (IsMask(value))
                    {
                        Report(Descriptors.DataDependentShape, at, "indexes with a boolean mask, whose result size depends on the values");
                        return;
                    }
                }
            }
        }

        private bool IsMask(IOperation value)
        {
            // Recurses once per '&', '|' or '^' operand: past what the stack holds, not known to be a mask (no diagnostic).
            if (!ExecutionStack.HasRoom())
            {
                return false;
            }
            value = Unwrap(value);
            return value switch
            {
                IBinaryOperation { OperatorMethod: { } op } binary when IsTensor(op.ContainingType) && binary.OperatorKind is BinaryOperatorKind.Equals
                    or BinaryOperatorKind.NotEquals or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual
                    or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual => true,
                IBinaryOperation { OperatorMethod: { } op } logical when IsTensor(op.ContainingType) && logical.OperatorKind is BinaryOperatorKind.And
                    or BinaryOperatorKind.Or or BinaryOperatorKind.ExclusiveOr => IsMask(logical.LeftOperand) || IsMask(logical.RightOperand),
                IUnaryOperation { OperatorMethod: { } op } unary when IsTensor(op.ContainingType) => IsMask(unary.Operand),
                IInvocationOperation invocation when Masks.Contains(invocation.TargetMethod.Name)
                    && (invocation.Instance is { } i && IsTensor(i.Type) || IsTorch(invocation.TargetMethod)) => true,
                ILocalReferenceOperation local => maskLocals.Contains(local.Local),
                _ => false,
            };
        }

        // A value read from a tensor on the host: a conversion, or a tensor member returning a plain value.
        private bool IsHostValue(IOperation value)
        {
            foreach (var operation in value.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IConversionOperation { OperatorMethod: { } op } when IsTensor(op.ContainingType) && op.Parameters.Length == 1
                        && IsTensor(op.Parameters[0].Type) && !IsTensor(op.ReturnType) && op.ReturnType.Name != "TensorIndex":
                        return true;
                    case IInvocationOperation invocation when ReadsTensorValue(invocation):
                        return true;
                    case ILocalReferenceOperation local when hostLocals.Contains(local.Local):
                        return true;
                }
            }
            return false;
        }

        private static bool ReadsTensorValue(IInvocationOperation invocation)
        {
            var target = invocation.TargetMethod;
            var receiverIsTensor = invocation.Instance is { } instance ? IsTensor(instance.Type)
                : target.IsExtensionMethod && target.Parameters.Length > 0 && IsTensor(target.Parameters[0].Type);
            if (!receiverIsTensor || Metadata.Contains(target.Name))
            {
                return false;
            }
            var result = target.ReturnType;
            return result.SpecialType is SpecialType.System_Boolean or SpecialType.System_Single or SpecialType.System_Double
                or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte
                || target.Name == "item" || result.Name == "Scalar";
        }

        private bool DependsOnTensor(IOperation condition) => IsHostValue(condition);

        private static bool IsCpuDevice(IArgumentOperation argument)
        {
            var value = Unwrap(argument.Value);
            if (value.ConstantValue is { HasValue: true, Value: string text })
            {
                return text.StartsWith("cpu", StringComparison.OrdinalIgnoreCase);
            }
            return value is IFieldReferenceOperation { Field: { Name: "CPU", ContainingType.Name: "DeviceType" } }
                || value is IFieldReferenceOperation { Field.Name: "CPU" } || value is IPropertyReferenceOperation { Property.Name: "CPU" };
        }

        private static IOperation Unwrap(IOperation operation)
        {
            while (operation is IConversionOperation { OperatorMethod: null } conversion)
            {
                operation = conversion.Operand;
            }
            return operation;
        }

        private static bool IsTorch(IMethodSymbol method)
        {
            var type = method.ContainingType;
            while (type?.ContainingType is not null)
            {
                type = type.ContainingType;
            }
            return method.IsStatic && type is { Name: "torch", ContainingNamespace.Name: "TorchSharp" };
        }

        private static bool IsTensor(ITypeSymbol? type) => type is not null && ModelParser.IsTensor(type);

        private void Report(DiagnosticDescriptor descriptor, IOperation at, string reason)
        {
            var text = at.Syntax.ToString();
            if (text.Length > 60)
            {
                text = text.Substring(0, 57) + "...";
            }
            context.ReportDiagnostic(Diagnostic.Create(descriptor, at.Syntax.GetLocation(), text, method.Name, reason));
        }
    }
}
