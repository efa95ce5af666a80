using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Torchwright.Generator.Catalogue;
using Torchwright.Generator.Diagnostics;
using Torchwright.Generator.Parsing;
using Torchwright.Generator.Shapes;
using Torchwright.Generator.Specs;
using ArgumentKind = Torchwright.Generator.Catalogue.ArgumentKind;

namespace Torchwright.Generator.Analyzers;

/// <summary>
/// Symbolic shape inference over one [Forward] body: an abstract interpretation of its IOperation tree
/// in which tensors carry <see cref="SymShape"/>s and integers carry <see cref="SymDim"/>s. It follows
/// locals, branches (joined) and loops (widened), calls of layers, used blocks and other forwards, and
/// the common tensor operations (<see cref="TensorOperations"/>). Whatever it does not understand
/// becomes unknown, and unknown never produces a diagnostic: only provable mismatches are reported.
/// </summary>
internal sealed partial class ShapeInference
{
    private const int MaxSummaryDepth = 3;
    private const int MaxListLength = 64;

    private readonly ModelContext model;
    private readonly ShapeSummaries summaries;
    private readonly Func<string, long?> known;
    private readonly int depth;
    private readonly CancellationToken cancellation;
    private readonly Dictionary<ISymbol, ShapeValue> env = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> poisoned = new(SymbolEqualityComparer.Default);
    private readonly List<Diagnostic> diagnostics = new();
    private readonly Dictionary<IParameterSymbol, string> suggestions = new(SymbolEqualityComparer.Default);
    private readonly HashSet<IParameterSymbol> unshaped = new(SymbolEqualityComparer.Default);
    private IMethodSymbol method = null!;
    private ShapePattern? returnPattern;
    private HashSet<string> rigidSymbols = new(StringComparer.Ordinal);
    private ShapeValue? returned;
    private bool silent;
    private InferenceCoverage? coverage;

    private ShapeInference(ModelContext model, ShapeSummaries summaries, bool symbolicOnly, int depth, CancellationToken cancellation)
    {
        this.model = model;
        this.summaries = summaries;
        known = symbolicOnly ? _ => null : model.Known;
        silent = symbolicOnly;
        this.depth = depth;
        this.cancellation = cancellation;
    }

    /// <summary>Infers shapes through <paramref name="body"/> and returns every provable problem.</summary>
    public static ImmutableArray<Diagnostic> Analyze(ModelContext model, IMethodSymbol method, IOperation body, ShapeSummaries summaries, CancellationToken cancellation)
    {
        var inference = new ShapeInference(model, summaries, symbolicOnly: false, depth: 0, cancellation);
        inference.Run(method, body);
        inference.ReportUnshaped();
        return inference.diagnostics.ToImmutableArray();
    }

    /// <summary>How many tensor-valued expressions of <paramref name="body"/> get a shape, for the coverage report.</summary>
    public static InferenceCoverage Measure(ModelContext model, IMethodSymbol method, IOperation body, ShapeSummaries summaries, CancellationToken cancellation)
    {
        var inference = new ShapeInference(model, summaries, symbolicOnly: false, depth: 0, cancellation) { coverage = new InferenceCoverage() };
        inference.Run(method, body);
        return inference.coverage!;
    }

    /// <summary>
    /// The shape a forward returns, in its own names (its configuration members and the free symbols of
    /// its parameters' shapes), without defaults; null when it is not a tensor of a known shape.
    /// </summary>
    public static SymShape? Summarize(ModelContext model, IMethodSymbol method, IOperation body, ShapeSummaries summaries, int depth, CancellationToken cancellation)
    {
        var inference = new ShapeInference(model, summaries, symbolicOnly: true, depth, cancellation);
        inference.Run(method, body);
        return inference.returned is TensorValue tensor && !tensor.Shape.IsUnknown ? tensor.Shape : null;
    }

    private void Run(IMethodSymbol forward, IOperation body)
    {
        method = forward;
        var spec = model.Forward(forward.Name);
        foreach (var parameter in forward.Parameters)
        {
            var declared = spec?.Parameters.FirstOrDefault(p => p.Name == parameter.Name);
            if (!ModelParser.IsTensor(parameter.Type))
            {
                env[parameter] = ShapeValue.Unknown;
                continue;
            }
            if (declared?.Shape is { } text && ShapePattern.Parse(text) is { } pattern)
            {
                env[parameter] = new TensorValue(FromDeclared(pattern));
                foreach (var name in pattern.Symbols())
                {
                    rigidSymbols.Add(name);
                }
            }
            else
            {
                env[parameter] = ShapeValue.Unknown;
                unshaped.Add(parameter);
            }
        }
        foreach (var name in model.ConfigNames)
        {
            rigidSymbols.Add(name);
        }
        returnPattern = spec?.ReturnShape is { } returnText ? ShapePattern.Parse(returnText) : null;

        // Locals written by lambdas, local functions or ref/out arguments are never trusted.
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is IBranchOperation { BranchKind: BranchKind.GoTo })
            {
                // Arbitrary jumps are not modelled: give up on the whole body.
                silent = true;
                return;
            }
            if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                foreach (var written in WrittenSymbols(operation))
                {
                    poisoned.Add(written);
                }
            }
        }
        Visit(body);
    }

    /// <summary>A declared shape as a received one: every name a symbol, <c>_</c> unknown, <c>...</c> open.</summary>
    internal static SymShape FromDeclared(ShapePattern pattern)
        => new(pattern.Dims.Select(dim => dim is DimWildcard ? null : SymDim.From(dim)).ToImmutableArray(), pattern.Leading);

    private void ReportUnshaped()
    {
        foreach (var parameter in unshaped)
        {
            suggestions.TryGetValue(parameter, out var suggestion);
            var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeAnalyzer.SuggestedShapeProperty, suggestion ?? "...");
            var usage = suggestion is null ? "" : $"; it is used as [{suggestion}]";
            diagnostics.Add(Diagnostic.Create(Descriptors.UncheckedEntryArgument, parameter.Locations.FirstOrDefault(), properties,
                parameter.Name, method.Name, usage));
        }
    }

    private void Report(DiagnosticDescriptor descriptor, IOperation at, params object[] arguments)
    {
        if (!silent)
        {
            diagnostics.Add(Diagnostic.Create(descriptor, at.Syntax.GetLocation(), arguments));
        }
    }

    // ---- statements ----

    private void Visit(IOperation? operation)
    {
        cancellation.ThrowIfCancellationRequested();
        switch (operation)
        {
            case null:
                return;
            case IMethodBodyOperation body:
                Visit((IOperation?)body.BlockBody ?? body.ExpressionBody);
                return;
            case IBlockOperation block:
                foreach (var statement in block.Operations)
                {
                    Visit(statement);
                }
                return;
            case IVariableDeclarationGroupOperation group:
                foreach (var declaration in group.Declarations)
                {
                    Declare(declaration);
                }
                return;
            case IVariableDeclarationOperation declaration:
                Declare(declaration);
                return;
            case IExpressionStatementOperation statement:
                Eval(statement.Operation);
                return;
            case IReturnOperation { ReturnedValue: { } value }:
                Return(value);
                return;
            case IReturnOperation:
            case IEmptyOperation:
            case IBranchOperation:
            case ILocalFunctionOperation:
                return;
            case ILabeledOperation labeled:
                Visit(labeled.Operation);
                return;
            case IConditionalOperation conditional:
                Eval(conditional.Condition);
                Branches(() => Visit(conditional.WhenTrue), () => Visit(conditional.WhenFalse));
                return;
            case ILoopOperation loop:
                Loop(loop);
                return;
            case IUsingOperation usingOperation:
                Visit(usingOperation.Resources);
                Visit(usingOperation.Body);
                return;
            case IUsingDeclarationOperation usingDeclaration:
                Visit(usingDeclaration.DeclarationGroup);
                return;
            case IThrowOperation:
                return;
            default:
                // Statements whose control flow is not modelled (switch, try, lock, ...): forget what they write.
                Havoc(operation);
                return;
        }
    }

    private void Declare(IVariableDeclarationOperation declaration)
    {
        foreach (var declarator in declaration.Declarators)
        {
            var initializer = declarator.Initializer?.Value ?? declaration.Initializer?.Value;
            var value = initializer is null ? ShapeValue.Unknown : Eval(initializer);
            Assign(declarator.Symbol, value);
        }
    }

    private void Return(IOperation value)
    {
        var result = Eval(value);
        returned = returned is null ? result : ShapeValue.Join(returned, result);
        if (returnPattern is null || result is not TensorValue tensor)
        {
            return;
        }
        var unifier = new ShapeUnifier(rigidSymbols.Contains, SymDim.Symbol, known);
        if (unifier.Match(returnPattern, tensor.Shape) != MatchKind.Compatible)
        {
            Report(Descriptors.ReturnShapeMismatch, value, method.Name, unifier.Describe(returnPattern), tensor.Shape.Describe(known));
        }
    }

    private void Branches(Action first, Action second)
    {
        var entry = Snapshot();
        first();
        var afterFirst = Snapshot();
        Restore(entry);
        second();
        Restore(JoinEnvironments(afterFirst, Snapshot()));
    }

    private void Loop(ILoopOperation loop)
    {
        switch (loop)
        {
            case IForLoopOperation forLoop:
                foreach (var before in forLoop.Before)
                {
                    Visit(before);
                }
                break;
            case IForEachLoopOperation forEach:
                var collection = Eval(forEach.Collection);
                var element = collection is ListValue { Items.Length: > 0 } list ? ShapeValue.JoinAll(list.Items) : ShapeValue.Unknown;
                foreach (var local in forEach.Locals)
                {
                    Assign(local, element);
                }
                break;
        }
        var entry = Snapshot();
        var wasSilent = silent;

        // The first pass sees the values of the first iteration: what it reports happens whenever the
        // body runs. Later passes only widen, silently.
        IterateOnce(loop);
        var joined = JoinEnvironments(entry, Snapshot());
        if (!SameEnvironment(joined, entry))
        {
            silent = true;
            Restore(joined);
            IterateOnce(loop);
            var again = JoinEnvironments(joined, Snapshot());
            Restore(again);
            if (!SameEnvironment(again, joined))
            {
                Havoc(loop);
            }
            silent = wasSilent;
        }
        else
        {
            Restore(joined);
        }
    }

    private void IterateOnce(ILoopOperation loop)
    {
        switch (loop)
        {
            case IWhileLoopOperation whileLoop:
                if (whileLoop.ConditionIsTop && whileLoop.Condition is not null)
                {
                    Eval(whileLoop.Condition);
                }
                Visit(loop.Body);
                if (!whileLoop.ConditionIsTop && whileLoop.Condition is not null)
                {
                    Eval(whileLoop.Condition);
                }
                break;
            case IForLoopOperation forLoop:
                if (forLoop.Condition is not null)
                {
                    Eval(forLoop.Condition);
                }
                Visit(loop.Body);
                foreach (var bottom in forLoop.AtLoopBottom)
                {
                    Visit(bottom);
                }
                break;
            default:
                Visit(loop.Body);
                break;
        }
    }

    private Dictionary<ISymbol, ShapeValue> Snapshot() => new(env, SymbolEqualityComparer.Default);

    private void Restore(Dictionary<ISymbol, ShapeValue> state)
    {
        env.Clear();
        foreach (var pair in state)
        {
            env[pair.Key] = pair.Value;
        }
    }

    private static Dictionary<ISymbol, ShapeValue> JoinEnvironments(Dictionary<ISymbol, ShapeValue> a, Dictionary<ISymbol, ShapeValue> b)
    {
        var result = new Dictionary<ISymbol, ShapeValue>(SymbolEqualityComparer.Default);
        foreach (var pair in a)
        {
            result[pair.Key] = b.TryGetValue(pair.Key, out var other) ? ShapeValue.Join(pair.Value, other) : ShapeValue.Unknown;
        }
        foreach (var pair in b)
        {
            if (!result.ContainsKey(pair.Key))
            {
                result[pair.Key] = ShapeValue.Unknown;
            }
        }
        return result;
    }

    private static bool SameEnvironment(Dictionary<ISymbol, ShapeValue> a, Dictionary<ISymbol, ShapeValue> b)
        => a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var other) && pair.Value.Equals(other));

    /// <summary>Everything <paramref name="operation"/> may write becomes unknown.</summary>
    private void Havoc(IOperation operation)
    {
        foreach (var symbol in WrittenSymbols(operation))
        {
            env[symbol] = ShapeValue.Unknown;
        }
    }

    private static IEnumerable<ISymbol> WrittenSymbols(IOperation operation)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            IOperation? target = descendant switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            if (descendant is IVariableDeclaratorOperation declarator)
            {
                yield return declarator.Symbol;
            }
            if (target is null)
            {
                continue;
            }
            foreach (var reference in target.DescendantsAndSelf())
            {
                switch (reference)
                {
                    case ILocalReferenceOperation local:
                        yield return local.Local;
                        break;
                    case IParameterReferenceOperation parameter:
                        yield return parameter.Parameter;
                        break;
                }
            }
        }
    }

    private void Assign(ISymbol symbol, ShapeValue value)
        => env[symbol] = poisoned.Contains(symbol) ? ShapeValue.Unknown : value;

    private void AssignTo(IOperation target, ShapeValue value)
    {
        switch (target)
        {
            case ILocalReferenceOperation local:
                Assign(local.Local, value);
                break;
            case IParameterReferenceOperation parameter:
                Assign(parameter.Parameter, value);
                break;
            case IDeclarationExpressionOperation declaration:
                AssignTo(declaration.Expression, value);
                break;
            case ITupleOperation tuple:
                for (var i = 0; i < tuple.Elements.Length; i++)
                {
                    AssignTo(tuple.Elements[i], value is ListValue list && list.Items.Length == tuple.Elements.Length ? list.Items[i] : ShapeValue.Unknown);
                }
                break;
            case IDiscardOperation:
                break;
            default:
                Havoc(target);
                break;
        }
    }

    // ---- expressions ----

    private ShapeValue Eval(IOperation? operation)
    {
        // Expressions nest as deep as they are written (x + x + ... + x, tens of thousands of terms parse fine) and this
        // recurses once per operand: past what the stack holds, stop inferring rather than overflow, which would take the
        // compiler down. Unknown never makes a diagnostic.
        if (!ExecutionStack.HasRoom())
        {
            return ShapeValue.Unknown;
        }
        var value = EvalCore(operation);
        if (coverage is not null && operation?.Type is { } type && ModelParser.IsTensor(type) && operation is not IConversionOperation)
        {
            coverage.Add(value);
        }
        return value;
    }

    private ShapeValue EvalCore(IOperation? operation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (operation is null)
        {
            return ShapeValue.Unknown;
        }
        if (operation.ConstantValue is { HasValue: true, Value: var constant } && Integer(constant) is { } number)
        {
            return new IntValue(SymDim.Constant(number));
        }
        switch (operation)
        {
            case ILocalReferenceOperation local:
                return env.TryGetValue(local.Local, out var localValue) ? localValue : ShapeValue.Unknown;
            case IParameterReferenceOperation parameter:
                return env.TryGetValue(parameter.Parameter, out var parameterValue) ? parameterValue : ShapeValue.Unknown;
            case IConversionOperation conversion:
                return Conversion(conversion);
            case IArgumentOperation argument:
                return Eval(argument.Value);
            case IUnaryOperation unary:
                return Unary(unary);
            case IBinaryOperation binary:
                return Binary(binary);
            case IRangeOperation range:
                return new RangeValue(PositionOf(range.LeftOperand), PositionOf(range.RightOperand));
            case ITupleOperation tuple:
                return new ListValue(tuple.Elements.Select(Eval).ToImmutableArray());
            case IArrayCreationOperation { Initializer: { } initializer }:
                return new ListValue(initializer.ElementValues.Select(Eval).ToImmutableArray());
            case IArrayCreationOperation creation:
                foreach (var size in creation.DimensionSizes)
                {
                    Eval(size);
                }
                return ShapeValue.Unknown;
            case ICollectionExpressionOperation collection:
                return collection.Elements.Any(element => element is ISpreadOperation)
                    ? ShapeValue.Unknown
                    : new ListValue(collection.Elements.Select(Eval).ToImmutableArray());
            case IArrayElementReferenceOperation element:
                return Element(Eval(element.ArrayReference), element.Indices.Length == 1 ? Eval(element.Indices[0]) : ShapeValue.Unknown);
            case IPropertyReferenceOperation property:
                return Property(property);
            case IFieldReferenceOperation field:
                return Field(field);
            case IInvocationOperation invocation:
                return Invocation(invocation);
            case ISimpleAssignmentOperation assignment:
                var assigned = Eval(assignment.Value);
                AssignTo(assignment.Target, assigned);
                return assigned;
            case ICompoundAssignmentOperation compound:
                return CompoundAssignment(compound);
            case IDeconstructionAssignmentOperation deconstruction:
                var deconstructed = Eval(deconstruction.Value);
                AssignTo(deconstruction.Target, deconstructed);
                return deconstructed;
            case IIncrementOrDecrementOperation increment:
                var before = Eval(increment.Target);
                var after = before is IntValue { Dim: { } dim }
                    ? new IntValue(increment.Kind == OperationKind.Increment ? dim.Add(SymDim.One) : dim.Subtract(SymDim.One))
                    : (ShapeValue)new IntValue(null);
                AssignTo(increment.Target, after);
                return increment.IsPostfix ? before : after;
            case IConditionalOperation conditional:
                Eval(conditional.Condition);
                ShapeValue whenTrue = ShapeValue.Unknown, whenFalse = ShapeValue.Unknown;
                Branches(() => whenTrue = Eval(conditional.WhenTrue), () => whenFalse = Eval(conditional.WhenFalse));
                return ShapeValue.Join(whenTrue, whenFalse);
            case ICoalesceOperation coalesce:
                var primary = Eval(coalesce.Value);
                ShapeValue fallback = ShapeValue.Unknown;
                Branches(() => { }, () => fallback = Eval(coalesce.WhenNull));
                return ShapeValue.Join(primary, fallback);
            case IObjectCreationOperation creationOperation:
                foreach (var argument in creationOperation.Arguments)
                {
                    Eval(argument.Value);
                }
                return ShapeValue.Unknown;
            case IDeclarationExpressionOperation:
            case ILiteralOperation:
            case IInstanceReferenceOperation:
            case IAnonymousFunctionOperation:
            case IDelegateCreationOperation:
            case ITypeOfOperation:
            case INameOfOperation:
            case IDefaultValueOperation:
            case IInterpolatedStringOperation:
                return ShapeValue.Unknown;
            default:
                Havoc(operation);
                return ShapeValue.Unknown;
        }
    }

    private static long? Integer(object? value) => value switch
    {
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        sbyte sb => sb,
        ushort us => us,
        uint ui => ui,
        _ => null,
    };

    private static bool IsInteger(ITypeSymbol? type)
        => type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16
            or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_UInt16 or SpecialType.System_UInt32;

    private Position? PositionOf(IOperation? operand)
    {
        if (operand is null)
        {
            return null;
        }
        return Eval(operand) switch
        {
            IntValue { Dim: var dim } when dim?.ConstantValue is { } c && c < 0 => new Position(SymDim.Constant(-c), FromEnd: true),
            IntValue { Dim: var dim } => new Position(dim, FromEnd: false),
            FromEndValue { Offset: var offset } => new Position(offset, FromEnd: true),
            _ => new Position(null, FromEnd: false),
        };
    }

    private ShapeValue Conversion(IConversionOperation conversion)
    {
        var operand = Eval(conversion.Operand);
        if (conversion.OperatorMethod is not { } method)
        {
            // Built-in conversions (numeric, boxing, identity) keep what is known; a nullable wrapper too.
            return operand;
        }
        var target = conversion.Type;
        if (target is { Name: "TensorIndex" or "ReadOnlySpan" or "Span" or "Nullable" })
        {
            return operand;
        }
        if (target is not null && ModelParser.IsTensor(target))
        {
            // A scalar becomes a 0-d tensor; arrays and other sources are not followed.
            return method.Parameters.Length == 1 && method.Parameters[0].Type.SpecialType != SpecialType.None
                ? new TensorValue(SymShape.Scalar)
                : ShapeValue.Unknown;
        }
        return ShapeValue.Unknown;
    }

    private ShapeValue Unary(IUnaryOperation unary)
    {
        var operand = Eval(unary.Operand);
        if (unary.OperatorKind == UnaryOperatorKind.Hat)
        {
            return new FromEndValue(operand is IntValue integer ? integer.Dim : null);
        }
        if (unary.OperatorMethod is not null)
        {
            // Tensor negation and complement keep the shape.
            return operand is TensorValue && unary.OperatorKind is UnaryOperatorKind.Minus or UnaryOperatorKind.BitwiseNegation or UnaryOperatorKind.Not
                ? operand
                : ShapeValue.Unknown;
        }
        return unary.OperatorKind switch
        {
            UnaryOperatorKind.Minus when operand is IntValue { Dim: { } dim } => new IntValue(dim.Negate()),
            UnaryOperatorKind.Plus => operand,
            _ => operand is IntValue ? new IntValue(null) : ShapeValue.Unknown,
        };
    }

    private ShapeValue Binary(IBinaryOperation binary)
    {
        var left = Eval(binary.LeftOperand);
        var right = Eval(binary.RightOperand);
        if (binary.OperatorMethod is { } method && method.ContainingType is { } owner && ModelParser.IsTensor(owner))
        {
            return Broadcast(OperatorText(binary.OperatorKind), binary, ShapeOrScalar(left, binary.LeftOperand), ShapeOrScalar(right, binary.RightOperand));
        }
        if (IsInteger(binary.Type) && left is IntValue { Dim: var a } && right is IntValue { Dim: var b })
        {
            return new IntValue(Arithmetic(binary.OperatorKind, a, b));
        }
        return IsInteger(binary.Type) ? new IntValue(null) : ShapeValue.Unknown;
    }

    private static SymDim? Arithmetic(BinaryOperatorKind kind, SymDim? a, SymDim? b)
    {
        if (a is null || b is null)
        {
            return null;
        }
        return kind switch
        {
            BinaryOperatorKind.Add => a.Add(b),
            BinaryOperatorKind.Subtract => a.Subtract(b),
            BinaryOperatorKind.Multiply => a.Multiply(b),
            BinaryOperatorKind.Divide => a.Divide(b),
            BinaryOperatorKind.Remainder => a.Modulo(b),
            _ => null,
        };
    }

    private static string OperatorText(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Add => "'+'",
        BinaryOperatorKind.Subtract => "'-'",
        BinaryOperatorKind.Multiply => "'*'",
        BinaryOperatorKind.Divide => "'/'",
        BinaryOperatorKind.Remainder => "'%'",
        BinaryOperatorKind.And => "'&'",
        BinaryOperatorKind.Or => "'|'",
        BinaryOperatorKind.ExclusiveOr => "'^'",
        BinaryOperatorKind.Equals => "'=='",
        BinaryOperatorKind.NotEquals => "'!='",
        BinaryOperatorKind.LessThan => "'<'",
        BinaryOperatorKind.LessThanOrEqual => "'<='",
        BinaryOperatorKind.GreaterThan => "'>'",
        BinaryOperatorKind.GreaterThanOrEqual => "'>='",
        _ => "the operator",
    };

    /// <summary>The shape of a tensor operand; a number operand is a scalar; anything else unknown.</summary>
    private static SymShape ShapeOrScalar(ShapeValue value, IOperation operand)
        => value is TensorValue tensor ? tensor.Shape
            : operand.Type is { } type && !ModelParser.IsTensor(type) && (type.SpecialType != SpecialType.None || type.Name == "Scalar") ? SymShape.Scalar
            : SymShape.Unknown;

    private ShapeValue CompoundAssignment(ICompoundAssignmentOperation compound)
    {
        var target = Eval(compound.Target);
        var value = Eval(compound.Value);
        ShapeValue result;
        if (compound.OperatorMethod is { } method && method.ContainingType is { } owner && ModelParser.IsTensor(owner))
        {
            result = Broadcast(OperatorText(compound.OperatorKind).TrimEnd('\'') + "='", compound, ShapeOrScalar(target, compound.Target), ShapeOrScalar(value, compound.Value));
        }
        else if (IsInteger(compound.Type) && target is IntValue { Dim: var a } && value is IntValue { Dim: var b })
        {
            result = new IntValue(Arithmetic(compound.OperatorKind, a, b));
        }
        else
        {
            result = ShapeValue.Unknown;
        }
        AssignTo(compound.Target, result);
        return result;
    }

    private static ShapeValue Element(ShapeValue array, ShapeValue index)
    {
        switch (array)
        {
            case SizesValue sizes:
                var position = index switch
                {
                    IntValue { Constant: { } c } => sizes.Shape.IndexOf(c),
                    FromEndValue { Offset.ConstantValue: { } k } => sizes.Shape.IndexOf(-k),
                    _ => null,
                };
                return new IntValue(position is { } p ? sizes.Shape.Dims[p] : null);
            case ListValue list when index is IntValue { Constant: { } i } && i >= 0 && i < list.Items.Length:
                return list.Items[(int)i];
            case ListValue list when index is FromEndValue { Offset.ConstantValue: { } k } && k >= 1 && k <= list.Items.Length:
                return list.Items[list.Items.Length - (int)k];
            case ListValue list when list.Items.Length > 0:
                // An unknown index into a list whose items agree is still that item.
                return ShapeValue.JoinAll(list.Items);
            default:
                return ShapeValue.Unknown;
        }
    }

    private ShapeValue Property(IPropertyReferenceOperation property)
    {
        var instance = property.Instance is null ? null : Eval(property.Instance);
        var symbol = property.Property;
        if (symbol.IsIndexer)
        {
            var arguments = property.Arguments.Select(argument => Eval(argument.Value)).ToList();
            if (instance is TensorValue tensor && symbol.ContainingType is { } owner && ModelParser.IsTensor(owner))
            {
                return Index(tensor.Shape, Flatten(arguments), property);
            }
            return arguments.Count == 1 && instance is not null ? Element(instance, arguments[0]) : ShapeValue.Unknown;
        }
        if (symbol.ContainingType is { } type && ModelParser.IsTensor(type))
        {
            var shape = instance is TensorValue t ? t.Shape : SymShape.Unknown;
            return symbol.Name switch
            {
                "shape" => new SizesValue(shape),
                "ndim" or "Dimensions" => new IntValue(shape.Rank is { } rank ? SymDim.Constant(rank) : null),
                "NumberOfElements" => new IntValue(shape.ElementCount()),
                "T" => new TensorValue(shape.Rank is { } r && r <= 2 ? SymShape.Closed(shape.Dims.Reverse()) : SymShape.Unknown),
                "mT" => new TensorValue(SwapLastTwo(shape)),
                _ => ShapeValue.Unknown,
            };
        }
        if (symbol.Name == "Length" && instance is SizesValue sizesValue)
        {
            return new IntValue(sizesValue.Shape.Rank is { } length ? SymDim.Constant(length) : null);
        }
        if (symbol.Name == "Length" && instance is ListValue listValue)
        {
            return new IntValue(SymDim.Constant(listValue.Items.Length));
        }
        if (IsConfigMember(symbol.ContainingType, symbol.Name) && IsInteger(symbol.Type))
        {
            return new IntValue(SymDim.Symbol(symbol.Name));
        }
        if (symbol.ContainingType is { Name: "TensorIndex" } && symbol.IsStatic)
        {
            return Marker(symbol.Name);
        }
        return ShapeValue.Unknown;
    }

    private ShapeValue Field(IFieldReferenceOperation field)
    {
        var instance = field.Instance is null ? null : Eval(field.Instance);
        var symbol = field.Field;
        if (symbol.ContainingType is { IsTupleType: true } tuple && instance is ListValue list)
        {
            var definition = symbol.CorrespondingTupleField ?? symbol;
            var index = tuple.TupleElements.IndexOf(definition, SymbolEqualityComparer.Default);
            return index >= 0 && index < list.Items.Length ? list.Items[index] : ShapeValue.Unknown;
        }
        if (IsConfigMember(symbol.ContainingType, symbol.Name) && IsInteger(symbol.Type))
        {
            return new IntValue(SymDim.Symbol(symbol.Name));
        }
        if (symbol.ContainingType is { Name: "TensorIndex" } && symbol.IsStatic)
        {
            return Marker(symbol.Name);
        }
        return ShapeValue.Unknown;
    }

    private static ShapeValue Marker(string name) => name switch
    {
        "Ellipsis" => new MarkerValue(MarkerValue.Ellipsis),
        "None" or "Null" => new MarkerValue(MarkerValue.NewAxis),
        "Colon" => new MarkerValue(MarkerValue.Colon),
        _ => ShapeValue.Unknown,
    };

    // Config.Dim (the generated Config property) and config.Dim read a configuration member.
    private bool IsConfigMember(INamedTypeSymbol? owner, string name)
        => owner is not null && model.ConfigType is { } config
            && SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, config.OriginalDefinition)
            && model.ConfigNames.Contains(name);

    private static List<ShapeValue> Flatten(List<ShapeValue> arguments)
        => arguments.Count == 1 && arguments[0] is ListValue list ? list.Items.ToList() : arguments;

    private static SymShape SwapLastTwo(SymShape shape)
    {
        var n = shape.Dims.Length;
        if (n < 2)
        {
            return SymShape.Unknown;
        }
        return shape.With(n - 1, shape.Dims[n - 2]).With(n - 2, shape.Dims[n - 1]);
    }

    // ---- calls ----

    private ShapeValue Invocation(IInvocationOperation invocation)
    {
        var target = invocation.TargetMethod;
        var receiver = invocation.Instance is null ? null : Eval(invocation.Instance);
        var arguments = invocation.Arguments.Select(argument => new CallArgument(argument, Eval(argument.Value))).ToList();
        foreach (var argument in invocation.Arguments.Where(a => a.Parameter?.RefKind is RefKind.Ref or RefKind.Out))
        {
            Havoc(argument.Value);
            AssignTo(argument.Value, ShapeValue.Unknown);
        }

        if (SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, model.Type.OriginalDefinition)
            && (invocation.Instance is null or IInstanceReferenceOperation) && !target.IsStatic)
        {
            if (model.Layer(target.Name) is { } layer)
            {
                return layer.Block is null ? LayerCall(invocation, layer, arguments) : BlockCall(invocation, layer, arguments);
            }
            if (model.Forward(target.Name) is { } forward)
            {
                return ForwardCall(invocation, forward, target, arguments);
            }
            return ShapeValue.Unknown;
        }
        if (target.IsStatic && target.ContainingType is { Name: "TensorIndex" })
        {
            return TensorIndexFactory(invocation, arguments);
        }
        if (target.ContainingType is { } owner && ModelParser.IsTensor(owner) && !target.IsStatic)
        {
            return TensorOperations.Apply(this, new OperationCall(target.Name, invocation, receiver ?? ShapeValue.Unknown, arguments));
        }
        if (IsTorch(target) || target.IsExtensionMethod && target.Parameters.Length > 0 && ModelParser.IsTensor(target.Parameters[0].Type))
        {
            var self = target.Parameters.Length > 0 && ModelParser.IsTensor(target.Parameters[0].Type) && arguments.Count > 0
                ? arguments[0].Value
                : null;
            var rest = self is null ? arguments : arguments.Skip(1).ToList();
            return TensorOperations.Apply(this, new OperationCall(target.Name, invocation, self ?? ShapeValue.Unknown, rest, IsStatic: self is null));
        }
        return ShapeValue.Unknown;
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

    private ShapeValue LayerCall(IInvocationOperation invocation, LayerSpec layer, List<CallArgument> arguments)
    {
        if (LayerCatalogue.FromName(layer.Kind) is not { } kind)
        {
            return ShapeValue.Unknown;
        }
        var argumentNames = new HashSet<string>(kind.Arguments
            .Where(a => a.Kind is ArgumentKind.Dimension or ArgumentKind.OptionalDimension or ArgumentKind.DimensionList)
            .Select(a => a.Name), StringComparer.Ordinal);
        var signature = new ShapeUnifier(argumentNames.Contains, name => ModelContext.DimensionArgument(layer, kind, name), known);
        var declared = new ShapeUnifier(model.ConfigNames.Contains, SymDim.Symbol, known);
        var callee = $"'{layer.MethodName}' ({kind.Name})";
        for (var i = 0; i < arguments.Count && i < layer.Inputs.Count; i++)
        {
            var input = layer.Inputs[i];
            var role = input.Role is { } r ? kind.Inputs.FirstOrDefault(candidate => candidate.Name == r) : i < kind.Inputs.Length ? kind.Inputs[i] : null;
            var what = i == 0 ? callee : $"{callee} input '{input.Name}'";
            var pattern = role is null ? null : ShapePattern.Parse(role.Shape);
            if (pattern is not null && CheckArgument(what, pattern, signature, arguments[i]))
            {
                continue;
            }
            // A declared [Shape] that contradicts the layer is TW3008's business, not every call's.
            if (input.Shape is { } text && ShapePattern.Parse(text) is { } own
                && (pattern is null || new ShapeUnifier(argumentNames.Contains, name => ModelContext.DimensionArgument(layer, kind, name), known)
                    .Match(pattern, FromDeclared(own)) == MatchKind.Compatible))
            {
                CheckArgument($"'{layer.MethodName}' input '{input.Name}'", own, declared, arguments[i]);
            }
        }
        return new TensorValue(LayerOutput(kind, layer, signature));
    }

    private static SymShape LayerOutput(LayerKind kind, LayerSpec layer, ShapeUnifier signature)
    {
        // An output named after a list argument (Learned's "Shape") is that list.
        if (kind.Arguments.FirstOrDefault(a => a.Name == kind.OutputShape && a.Kind == ArgumentKind.DimensionList) is { } list)
        {
            var parsed = DimParser.ParseShape(ModelContext.RawArgument(layer, kind, list.Name));
            return parsed.Success ? SymShape.Closed(parsed.Dimensions.Select(dim => SymDim.From(dim))) : SymShape.Unknown;
        }
        return ShapePattern.Parse(kind.OutputShape) is { } output ? signature.Instantiate(output) : SymShape.Unknown;
    }

    private ShapeValue BlockCall(IInvocationOperation invocation, LayerSpec layer, List<CallArgument> arguments)
    {
        if (model.BlockType(layer) is not { } blockType || summaries.Models.Get(blockType, cancellation) is not { } block
            || block.PrimaryForward is not { } forward)
        {
            return ShapeValue.Unknown;
        }
        var configuration = model.BlockConfiguration(layer, block);
        var unifier = new ShapeUnifier(block.ConfigNames.Contains, configuration, known);
        var callee = $"'{layer.MethodName}' (block {block.Type.Name})";
        for (var i = 0; i < arguments.Count && i < forward.Parameters.Count; i++)
        {
            if (forward.Parameters[i].Shape is { } text && ShapePattern.Parse(text) is { } pattern)
            {
                CheckArgument(i == 0 ? callee : $"{callee} input '{forward.Parameters[i].Name}'", pattern, unifier, arguments[i]);
            }
        }
        return Result(block, forward, unifier);
    }

    private ShapeValue ForwardCall(IInvocationOperation invocation, ForwardSpec forward, IMethodSymbol target, List<CallArgument> arguments)
    {
        var unifier = new ShapeUnifier(model.ConfigNames.Contains, SymDim.Symbol, known);
        var callee = $"'{forward.MethodName}'";
        foreach (var argument in arguments)
        {
            var parameter = argument.Operation.Parameter;
            var declared = parameter is null ? null : forward.Parameters.FirstOrDefault(p => p.Name == parameter.Name);
            if (declared?.Shape is { } text && ShapePattern.Parse(text) is { } pattern)
            {
                CheckArgument($"{callee} argument '{declared.Name}'", pattern, unifier, argument);
            }
        }
        return Result(model, forward, unifier);
    }

    /// <summary>A callee's result: its declared [return: Shape], else the shape inferred from its body, in the caller's names.</summary>
    private ShapeValue Result(ModelContext callee, ForwardSpec forward, ShapeUnifier unifier)
    {
        if (forward.ReturnKind != ReturnKind.Tensor)
        {
            return ShapeValue.Unknown;
        }
        if (forward.ReturnShape is { } text && ShapePattern.Parse(text) is { } pattern)
        {
            return new TensorValue(unifier.Instantiate(pattern));
        }
        if (depth >= MaxSummaryDepth || summaries.Get(callee, forward.MethodName, depth + 1, cancellation) is not { } summary)
        {
            return ShapeValue.Unknown;
        }
        var dims = summary.Dims.Select(dim => dim is null ? null : HyperparameterAnalyzer.Instantiate(dim, unifier.Lookup)).ToImmutableArray();
        return new TensorValue(new SymShape(dims, summary.Open));
    }

    /// <summary>Matches one argument and reports a provable mismatch; true when it reported.</summary>
    private bool CheckArgument(string callee, ShapePattern pattern, ShapeUnifier unifier, CallArgument argument)
    {
        if (argument.Value is not TensorValue tensor)
        {
            if (argument.Operation.Value is IParameterReferenceOperation { Parameter: var parameter } && unshaped.Contains(parameter)
                && !suggestions.ContainsKey(parameter))
            {
                suggestions[parameter] = Suggest(pattern, unifier);
            }
            return false;
        }
        var outcome = unifier.Match(pattern, tensor.Shape);
        switch (outcome)
        {
            case MatchKind.Rank:
                Report(Descriptors.RankMismatch, argument.Operation.Value, callee, unifier.Describe(pattern), RankText(pattern.Dims.Length, pattern.Leading),
                    tensor.Shape.Describe(known), RankText(tensor.Shape.Dims.Length, tensor.Shape.Open));
                return true;
            case MatchKind.Dimension:
                Report(Descriptors.ShapeMismatch, argument.Operation.Value, callee, unifier.Describe(pattern), tensor.Shape.Describe(known));
                return true;
            default:
                return false;
        }
    }

    private static string RankText(int rank, bool atLeast) => atLeast ? $"rank at least {rank}" : $"rank {rank}";

    // What to write in [Shape] for a parameter passed straight to a callee: the callee's pattern in this
    // model's names, variables kept by name unless they collide with a configuration member.
    private string Suggest(ShapePattern pattern, ShapeUnifier unifier)
    {
        var dims = new List<string>();
        if (pattern.Leading)
        {
            dims.Add("...");
        }
        foreach (var dim in pattern.Dims)
        {
            var unreadable = false;
            var value = dim is DimWildcard ? null : SymDim.From(dim, name =>
            {
                if (unifier.IsVariable(name))
                {
                    unreadable |= model.ConfigNames.Contains(name);
                    return null;
                }
                var resolved = unifier.Lookup(name);
                unreadable |= resolved is null;
                return resolved;
            });
            dims.Add(value is null || unreadable ? "_" : value.ToString());
        }
        return string.Join(",", dims);
    }

    internal readonly record struct CallArgument(IArgumentOperation Operation, ShapeValue Value);

    /// <summary>One call of a tensor operation: its name, the tensor it applies to, and the other arguments.</summary>
    internal sealed record OperationCall(string Name, IInvocationOperation Invocation, ShapeValue Self, List<CallArgument> Arguments, bool IsStatic = false)
    {
        public CallArgument? Named(params string[] names)
        {
            foreach (var argument in Arguments)
            {
                if (argument.Operation.Parameter is { } parameter && names.Contains(parameter.Name))
                {
                    return argument;
                }
            }
            return null;
        }

        /// <summary>The argument for one of the parameters <paramref name="names"/> when the call wrote it (not a default).</summary>
        public CallArgument? Written(params string[] names)
            => Named(names) is { } argument && argument.Operation.ArgumentKind != Microsoft.CodeAnalysis.Operations.ArgumentKind.DefaultValue ? argument : null;

        public long? Long(params string[] names) => Named(names)?.Value is IntValue { Constant: { } value } ? value : null;

        public SymShape SelfShape => Self is TensorValue tensor ? tensor.Shape : SymShape.Unknown;
    }

    private ShapeValue Broadcast(string operation, IOperation at, SymShape a, SymShape b)
        => TensorOperations.Broadcast(this, operation, at, a, b, known);

    // ---- indexing ----

    /// <summary><c>x[...]</c> with integers, ranges, <c>^k</c>, Ellipsis, None and Colon; tensor indices are not followed.</summary>
    private ShapeValue Index(SymShape shape, List<ShapeValue> indices, IOperation at)
    {
        if (indices.Any(index => index is not (IntValue or FromEndValue or RangeValue or MarkerValue)))
        {
            return ShapeValue.Unknown;
        }
        var ellipses = indices.Count(index => index is MarkerValue { Kind: MarkerValue.Ellipsis });
        if (ellipses > 1)
        {
            return ShapeValue.Unknown;
        }
        var split = indices.FindIndex(index => index is MarkerValue { Kind: MarkerValue.Ellipsis });
        var front = split < 0 ? indices : indices.Take(split).ToList();
        var back = split < 0 ? new List<ShapeValue>() : indices.Skip(split + 1).ToList();
        static int Consumed(List<ShapeValue> part) => part.Count(index => index is not MarkerValue { Kind: MarkerValue.NewAxis });
        var frontCount = Consumed(front);
        var backCount = Consumed(back);
        if (frontCount > 0 && shape.Open || backCount > shape.Dims.Length || !shape.Open && frontCount + backCount > shape.Dims.Length)
        {
            return ShapeValue.Unknown;
        }
        var leading = Apply(front, shape.Dims.Take(frontCount).ToList());
        var trailing = Apply(back, shape.Dims.Skip(shape.Dims.Length - backCount).ToList());
        if (leading is null || trailing is null)
        {
            return ShapeValue.Unknown;
        }
        var middle = shape.Dims.Skip(frontCount).Take(shape.Dims.Length - frontCount - backCount);
        return new TensorValue(new SymShape(leading.Concat(middle).Concat(trailing).ToImmutableArray(), shape.Open));
    }

    private List<SymDim?>? Apply(List<ShapeValue> indices, List<SymDim?> dims)
    {
        var result = new List<SymDim?>();
        var next = 0;
        foreach (var index in indices)
        {
            switch (index)
            {
                case MarkerValue { Kind: MarkerValue.NewAxis }:
                    result.Add(SymDim.One);
                    break;
                case MarkerValue { Kind: MarkerValue.Colon }:
                    result.Add(dims[next++]);
                    break;
                case IntValue or FromEndValue:
                    next++;
                    break;
                case RangeValue range:
                    result.Add(SliceLength(dims[next++], range));
                    break;
                default:
                    return null;
            }
        }
        return result;
    }

    // The length of a[start..end] along a dimension of size d, when it is certain without clamping.
    private SymDim? SliceLength(SymDim? d, RangeValue range)
    {
        if (range.Start is null && range.End is null)
        {
            return d;
        }
        if (range.Start is { FromEnd: true, Offset: { } k } && range.End is null)
        {
            return d is not null && k.Evaluate(known) is { } kv && d.Evaluate(known) is { } dv && kv > dv ? null : k;
        }
        if (d is null)
        {
            return null;
        }
        var start = range.Start switch
        {
            null => SymDim.Zero,
            { Offset: null } => null,
            { FromEnd: true, Offset: { } back } => d.Subtract(back),
            { Offset: { } offset } => offset,
        };
        SymDim? end;
        switch (range.End)
        {
            case null:
                end = d;
                break;
            case { Offset: null }:
                return null;
            case { FromEnd: true, Offset: { } back }:
                end = d.Subtract(back);
                break;
            case { Offset: { } offset }:
                end = offset.Equals(d) ? d
                    : offset.Evaluate(known) is { } ev && d.Evaluate(known) is { } dv ? SymDim.Constant(Math.Min(ev, dv))
                    : null;
                break;
        }
        if (start is null || end is null)
        {
            return null;
        }
        var length = end.Subtract(start);
        return length.Evaluate(known) is { } value && value < 0 ? null : length;
    }

    private ShapeValue TensorIndexFactory(IInvocationOperation invocation, List<CallArgument> arguments)
    {
        Position? Bound(string name)
        {
            var argument = arguments.FirstOrDefault(a => a.Operation.Parameter?.Name == name);
            if (argument.Operation is null || argument.Operation.ArgumentKind == Microsoft.CodeAnalysis.Operations.ArgumentKind.DefaultValue
                || argument.Operation.Value.ConstantValue is { HasValue: true, Value: null })
            {
                return null;
            }
            return argument.Value switch
            {
                IntValue { Dim: var dim } when dim?.ConstantValue is { } c && c < 0 => new Position(SymDim.Constant(-c), FromEnd: true),
                IntValue { Dim: var dim } => new Position(dim, FromEnd: false),
                _ => new Position(null, FromEnd: false),
            };
        }
        switch (invocation.TargetMethod.Name)
        {
            case "Slice" when arguments.Count == 1:
                return arguments[0].Value is RangeValue range ? range : ShapeValue.Unknown;
            case "Slice":
                return Bound("step") is { } step && step.Offset?.ConstantValue != 1 ? ShapeValue.Unknown : new RangeValue(Bound("start"), Bound("stop"));
            case "Single":
                return arguments.Count == 1 && arguments[0].Value is IntValue single ? single : ShapeValue.Unknown;
            default:
                return ShapeValue.Unknown;
        }
    }

    // ---- services for TensorOperations ----

    internal Func<string, long?> Known => known;

    internal int ListLimit => MaxListLength;

    internal void ReportAt(DiagnosticDescriptor descriptor, IOperation at, params object[] arguments) => Report(descriptor, at, arguments);
}

/// <summary>Counts of tensor-valued expressions by how much inference knows of their shape.</summary>
internal sealed class InferenceCoverage
{
    /// <summary>Every tensor-valued expression evaluated (loop bodies may count twice).</summary>
    public int Expressions { get; private set; }

    /// <summary>Those whose rank or trailing dimensions are known.</summary>
    public int Shaped { get; private set; }

    /// <summary>Those whose rank and every dimension are known.</summary>
    public int Complete { get; private set; }

    public void Add(ShapeValue value)
    {
        Expressions++;
        if (value is TensorValue { Shape: var shape } && !shape.IsUnknown)
        {
            Shaped++;
            if (shape.IsFullyKnown)
            {
                Complete++;
            }
        }
    }

    public void Add(InferenceCoverage other)
    {
        Expressions += other.Expressions;
        Shaped += other.Shaped;
        Complete += other.Complete;
    }
}
