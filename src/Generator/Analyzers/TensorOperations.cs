using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Torchwright.Generator.Diagnostics;
using Torchwright.Generator.Shapes;
using Call = Torchwright.Generator.Analyzers.ShapeInference.OperationCall;

namespace Torchwright.Generator.Analyzers;

/// <summary>
/// What the common TorchSharp tensor operations do to shapes, and the mismatches they make provable.
/// Instance methods (<c>x.view(...)</c>) and <c>torch.*</c> functions taking the tensor first share one
/// table. Operations not listed give an unknown result.
/// </summary>
internal static class TensorOperations
{
    private static readonly HashSet<string> ShapePreserving = new(StringComparer.Ordinal)
    {
        "contiguous", "clone", "detach", "float", "half", "bfloat16", "double", "to", "type", "type_as", "cpu", "cuda",
        "abs", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "tanh", "sigmoid", "relu", "relu6", "gelu", "silu", "mish",
        "neg", "negative", "softmax", "log_softmax", "softmin", "masked_fill", "clamp", "clip", "clamp_min", "clamp_max",
        "triu", "tril", "requires_grad_", "sin", "cos", "square", "reciprocal", "erf", "sign", "round", "floor", "ceil",
        "nan_to_num", "fill_", "zero_", "zeros_like", "ones_like", "empty_like", "rand_like", "randn_like", "full_like",
        "randint_like", "softplus", "leaky_relu", "elu", "selu", "celu", "hardtanh", "logsigmoid", "softsign", "hardswish",
        "hardsigmoid", "normalize", "layer_norm", "rms_norm", "cumsum", "cumprod", "flip", "roll", "logical_not",
        "bitwise_not", "isnan", "isinf", "isfinite", "long", "@int", "@bool", "to_type", "dropout", "alpha_dropout",
        "feature_alpha_dropout", "index_fill", "scatter", "scatter_add", "masked_scatter", "copy_", "pow", "float_power",
        "dropout1d", "dropout2d", "dropout3d", "uniform_", "normal_", "bernoulli_", "exponential_", "random_",
        "relu_", "gelu_", "silu_", "sigmoid_", "tanh_", "exp_", "neg_", "masked_fill_", "clamp_", "tril_", "triu_",
    };

    private static readonly HashSet<string> Broadcasting = new(StringComparer.Ordinal)
    {
        "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "maximum", "minimum", "fmax", "fmin",
        "atan2", "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "remainder", "fmod",
        "bitwise_and", "bitwise_or", "bitwise_xor", "hypot", "copysign", "xlogy",
    };

    private static readonly HashSet<string> InPlaceBroadcasting = new(StringComparer.Ordinal)
    {
        "add_", "sub_", "mul_", "div_", "copy_",
    };

    private static readonly HashSet<string> Reductions = new(StringComparer.Ordinal)
    {
        "mean", "sum", "amax", "amin", "std", "var", "logsumexp", "prod", "nansum", "nanmean", "argmax", "argmin", "all", "any",
        "count_nonzero", "norm",
    };

    private static readonly HashSet<string> DimensionArgumentOps = new(StringComparer.Ordinal)
    {
        "softmax", "log_softmax", "softmin", "cumsum", "cumprod",
    };

    public static ShapeValue Apply(ShapeInference inference, Call call)
    {
        var name = call.Name.TrimStart('@');
        var shape = call.SelfShape;
        var known = inference.Known;

        if (DimensionArgumentOps.Contains(name) && call.Written("dim") is { Value: IntValue { Constant: { } dim } } dimArgument)
        {
            CheckRange(inference, call, dimArgument, dim, shape);
        }
        if (InPlaceBroadcasting.Contains(name) && TensorArgument(call, "other", "target", "src", "source") is { } other)
        {
            Broadcast(inference, $"'{name}'", call.Invocation, shape, other, known);
            return call.Self is TensorValue ? call.Self : ShapeValue.Unknown;
        }
        if (ShapePreserving.Contains(name))
        {
            return call.Self is TensorValue ? new TensorValue(shape) : ShapeValue.Unknown;
        }
        if (Broadcasting.Contains(name) || name is "max" or "min" && TensorArgument(call, "other") is not null)
        {
            var right = TensorArgument(call, "other", "target", "right") ?? ScalarArgument(call);
            return right is null ? ShapeValue.Unknown : Broadcast(inference, $"'{name}'", call.Invocation, shape, right, known);
        }
        switch (name)
        {
            case "view":
            case "reshape":
                return Reshape(inference, call, shape);
            case "view_as":
            case "reshape_as":
                return TensorArgument(call, "other") is { } target ? Reshape(inference, call, shape, target) : ShapeValue.Unknown;
            case "expand_as":
                return TensorArgument(call, "other") is { } expanded ? new TensorValue(expanded) : ShapeValue.Unknown;
            case "flatten":
                return Flatten(inference, call, shape);
            case "transpose":
            case "swapaxes":
            case "swapdims":
                return Transpose(inference, call, shape);
            case "t":
                return shape.Rank is { } rank && rank <= 2 ? new TensorValue(SymShape.Closed(shape.Dims.Reverse())) : ShapeValue.Unknown;
            case "permute":
                return Permute(inference, call, shape);
            case "unsqueeze":
                return Unsqueeze(inference, call, shape);
            case "squeeze":
                return Squeeze(inference, call, shape);
            case "matmul":
            case "mm":
            case "bmm":
                return TensorArgument(call, "other", "target", "batch2", "mat2") is { } right ? Matmul(inference, call, shape, right) : ShapeValue.Unknown;
            case "max":
            case "min":
            case "sort":
                return ValuesAndIndices(inference, call, shape, name);
            case "chunk":
                return Chunk(inference, call, shape);
            case "split":
                return Split(inference, call, shape);
            case "unbind":
                return Unbind(inference, call, shape);
            case "narrow":
                return Narrow(inference, call, shape);
            case "select":
                return Select(inference, call, shape);
            case "index_select":
                return IndexSelect(inference, call, shape);
            case "gather":
                return TensorArgument(call, "index") is { } index ? new TensorValue(index) : ShapeValue.Unknown;
            case "expand":
                return Expand(inference, call, shape);
            case "repeat":
                return Repeat(call, shape);
            case "size":
                return Size(inference, call, shape);
            case "dim":
                return new IntValue(shape.Rank is { } r ? SymDim.Constant(r) : null);
            case "numel":
                return new IntValue(shape.ElementCount());
            case "cat":
            case "concat":
            case "concatenate":
                return Concatenate(inference, call);
            case "stack":
                return Stack(inference, call);
            case "where":
                return Where(inference, call);
            case "scaled_dot_product_attention":
                return Attention(inference, call);
            case "linear":
                return Linear(inference, call, shape);
            case "zeros":
            case "ones":
            case "empty":
            case "rand":
            case "randn":
            case "full":
                return call.Self is TensorValue ? ShapeValue.Unknown : Creation(call);
            case "arange":
                return Arange(call);
        }
        if (Reductions.Contains(name))
        {
            return Reduce(inference, call, shape, name);
        }
        return ShapeValue.Unknown;
    }

    private static SymShape? TensorArgument(Call call, params string[] names)
        => call.Named(names) is { Value: TensorValue tensor } ? tensor.Shape
            : call.Named(names) is { } argument && argument.Value is not TensorValue && IsTensorParameter(argument) ? SymShape.Unknown
            : null;

    private static bool IsTensorParameter(ShapeInference.CallArgument argument)
        => argument.Operation.Parameter?.Type is { } type && Parsing.ModelParser.IsTensor(type);

    // A number operand broadcasts like a scalar tensor.
    private static SymShape? ScalarArgument(Call call)
        => call.Arguments.FirstOrDefault(argument => argument.Operation.Parameter?.Type.SpecialType is not SpecialType.None and not null
            || argument.Operation.Parameter?.Type.Name == "Scalar") is { Operation: not null } ? SymShape.Scalar : null;

    private static bool CheckRange(ShapeInference inference, Call call, ShapeInference.CallArgument argument, long dim, SymShape shape, int extra = 0)
    {
        if (!shape.ProvablyOutOfRange(dim, extra))
        {
            return false;
        }
        inference.ReportAt(Descriptors.DimensionOutOfRange, argument.Operation.Value, $"'{call.Name}'", dim.ToString(CultureInfo.InvariantCulture),
            shape.Describe(inference.Known), shape.Dims.Length.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>Position of a dimension argument, reporting it when provably out of range; null when it cannot be told.</summary>
    private static int? Dimension(ShapeInference inference, Call call, SymShape shape, params string[] names)
    {
        if (call.Named(names) is not { } argument || argument.Value is not IntValue { Constant: { } dim })
        {
            return null;
        }
        return CheckRange(inference, call, argument, dim, shape) ? null : shape.IndexOf(dim);
    }

    internal static ShapeValue Broadcast(ShapeInference inference, string operation, IOperation at, SymShape a, SymShape b, Func<string, long?> known)
    {
        var la = a.Dims.Length;
        var lb = b.Dims.Length;
        var n = Math.Max(la, lb);
        var dims = new SymDim?[n];
        var reported = false;
        for (var i = 1; i <= n; i++)
        {
            var hasA = i <= la;
            var hasB = i <= lb;
            var x = hasA ? a.Dims[la - i] : null;
            var y = hasB ? b.Dims[lb - i] : null;
            SymDim? result;
            if (hasA && hasB)
            {
                if (x is not null && x.Equals(y))
                {
                    result = x;
                }
                else if (SymDim.ProvablyOne(x, known))
                {
                    result = y;
                }
                else if (SymDim.ProvablyOne(y, known))
                {
                    result = x;
                }
                else
                {
                    if (!reported && SymDim.ProvablyDifferent(x, y, known) && SymDim.ProvablyNotOne(x, known) && SymDim.ProvablyNotOne(y, known))
                    {
                        reported = true;
                        inference.ReportAt(Descriptors.IncompatibleOperands, at, operation, a.Describe(known), b.Describe(known),
                            $"dimension {-i} is {Value(x!, known)} against {Value(y!, known)}, and neither is 1");
                    }
                    result = null;
                }
            }
            else if (hasA)
            {
                // The other operand is shorter: a closed one broadcasts (implicit 1); an open one may hold anything.
                result = b.Open ? (SymDim.ProvablyNotOne(x, known) ? x : null) : x;
            }
            else
            {
                result = a.Open ? (SymDim.ProvablyNotOne(y, known) ? y : null) : y;
            }
            dims[n - i] = result;
        }
        if (reported)
        {
            return ShapeValue.Unknown;
        }
        return new TensorValue(new SymShape(dims.ToImmutableArray(), a.Open || b.Open));
    }

    /// <summary><c>Dim = 64</c>, <c>B*T*Dim = B*T*64</c>, or the text alone when nothing is known.</summary>
    internal static string Value(SymDim dim, Func<string, long?> known)
    {
        var text = dim.ToString();
        var bound = dim.Evaluate(known) is { } value
            ? value.ToString(CultureInfo.InvariantCulture)
            : dim.Rewrite(name => known(name) is { } v ? SymDim.Constant(v) : null).ToString();
        return bound != text ? $"{text} = {bound}" : text;
    }

    /// <summary>The sizes an argument holds: params or array elements, or a shape (<c>x.shape</c>).</summary>
    private static ImmutableArray<SymDim?>? Sizes(Call call, params string[] names)
    {
        var arguments = names.Length == 0 ? call.Arguments : call.Arguments.Where(a => a.Operation.Parameter is { } p && names.Contains(p.Name)).ToList();
        if (arguments.Count == 1)
        {
            switch (arguments[0].Value)
            {
                case ListValue list:
                    return list.Items.Select(item => item is IntValue integer ? integer.Dim : null).ToImmutableArray();
                case SizesValue sizes when !sizes.Shape.Open:
                    return sizes.Shape.Dims;
                case IntValue integer:
                    return ImmutableArray.Create(integer.Dim);
            }
            return null;
        }
        if (arguments.Count > 1 && arguments.All(a => a.Value is IntValue))
        {
            return arguments.Select(a => ((IntValue)a.Value).Dim).ToImmutableArray();
        }
        return null;
    }

    private static ShapeValue Reshape(ShapeInference inference, Call call, SymShape shape, SymShape? target = null)
    {
        var known = inference.Known;
        var sizes = target is { Open: false } ? target.Dims : Sizes(call, "shape", "size", "sizes");
        if (sizes is null)
        {
            return ShapeValue.Unknown;
        }
        var inferred = sizes.Value.Select((dim, i) => (dim, i)).Where(pair => pair.dim?.ConstantValue == -1).Select(pair => pair.i).ToList();
        if (inferred.Count > 1)
        {
            return ShapeValue.Unknown;
        }
        var total = shape.ElementCount();
        var requested = SymShape.Closed(sizes.Value);
        if (inferred.Count == 0)
        {
            var product = requested.ElementCount();
            if (total is not null && product is not null && SymDim.ProvablyDifferent(total, product, known))
            {
                inference.ReportAt(Descriptors.ElementCountMismatch, call.Invocation, $"'{call.Name}'", shape.Describe(known), requested.Describe(known),
                    $"{Value(total, known)} elements cannot become {Value(product, known)}");
                return ShapeValue.Unknown;
            }
            return new TensorValue(requested);
        }
        var index = inferred[0];
        var others = SymShape.Closed(sizes.Value.RemoveAt(index)).ElementCount();
        SymDim? missing = null;
        if (total is not null && others is not null)
        {
            if (total.Evaluate(known) is { } t && others.Evaluate(known) is { } o && o != 0 && t % o != 0)
            {
                inference.ReportAt(Descriptors.ElementCountMismatch, call.Invocation, $"'{call.Name}'", shape.Describe(known), requested.Describe(known),
                    $"{Value(total, known)} elements are not a multiple of {Value(others, known)}");
                return ShapeValue.Unknown;
            }
            // A reshape that runs divides exactly, so the quotient may be taken as exact.
            missing = total.Divide(others);
        }
        return new TensorValue(requested.With(index, missing));
    }

    private static ShapeValue Flatten(ShapeInference inference, Call call, SymShape shape)
    {
        if (shape.Open)
        {
            return ShapeValue.Unknown;
        }
        var start = call.Long("start_dim") ?? 0;
        var end = call.Long("end_dim") ?? -1;
        if (call.Named("start_dim") is { } startArgument && CheckRange(inference, call, startArgument, start, shape)
            || call.Named("end_dim") is { } endArgument && CheckRange(inference, call, endArgument, end, shape))
        {
            return ShapeValue.Unknown;
        }
        if (shape.Dims.Length == 0)
        {
            return new TensorValue(SymShape.Closed(new[] { SymDim.One }));
        }
        if (shape.IndexOf(start) is not { } s || shape.IndexOf(end) is not { } e || e < s)
        {
            return ShapeValue.Unknown;
        }
        var merged = SymShape.Closed(shape.Dims.Skip(s).Take(e - s + 1)).ElementCount();
        var dims = shape.Dims.Take(s).Append(merged).Concat(shape.Dims.Skip(e + 1));
        return new TensorValue(SymShape.Closed(dims));
    }

    private static ShapeValue Transpose(ShapeInference inference, Call call, SymShape shape)
    {
        var first = Dimension(inference, call, shape, "dim0", "axis0");
        var second = Dimension(inference, call, shape, "dim1", "axis1");
        if (first is not { } a || second is not { } b)
        {
            return ShapeValue.Unknown;
        }
        return new TensorValue(shape.With(a, shape.Dims[b]).With(b, shape.Dims[a]));
    }

    private static ShapeValue Permute(ShapeInference inference, Call call, SymShape shape)
    {
        var order = Sizes(call, "permutation", "dims");
        if (order is null || shape.Open)
        {
            return ShapeValue.Unknown;
        }
        if (order.Value.Length != shape.Dims.Length)
        {
            inference.ReportAt(Descriptors.DimensionOutOfRange, call.Invocation, $"'{call.Name}'", $"order ({string.Join(",", order.Value)})",
                shape.Describe(inference.Known), shape.Dims.Length.ToString(CultureInfo.InvariantCulture));
            return ShapeValue.Unknown;
        }
        var dims = new List<SymDim?>();
        foreach (var entry in order.Value)
        {
            if (entry?.ConstantValue is not { } d || shape.IndexOf(d) is not { } position)
            {
                if (entry?.ConstantValue is { } bad && shape.ProvablyOutOfRange(bad))
                {
                    inference.ReportAt(Descriptors.DimensionOutOfRange, call.Invocation, $"'{call.Name}'", bad.ToString(CultureInfo.InvariantCulture),
                        shape.Describe(inference.Known), shape.Dims.Length.ToString(CultureInfo.InvariantCulture));
                }
                return ShapeValue.Unknown;
            }
            dims.Add(shape.Dims[position]);
        }
        return new TensorValue(SymShape.Closed(dims));
    }

    private static ShapeValue Unsqueeze(ShapeInference inference, Call call, SymShape shape)
    {
        if (call.Named("dim") is not { Value: IntValue { Constant: { } dim } } argument)
        {
            return ShapeValue.Unknown;
        }
        if (CheckRange(inference, call, argument, dim, shape, extra: 1))
        {
            return ShapeValue.Unknown;
        }
        if (dim < 0)
        {
            var fromEnd = shape.Dims.Length + dim + 1;
            return fromEnd >= 0 ? new TensorValue(shape.Insert((int)fromEnd, SymDim.One)) : ShapeValue.Unknown;
        }
        return shape.Open ? ShapeValue.Unknown : new TensorValue(shape.Insert((int)dim, SymDim.One));
    }

    private static ShapeValue Squeeze(ShapeInference inference, Call call, SymShape shape)
    {
        var known = inference.Known;
        if (call.Written("dim") is null)
        {
            if (shape.Open || shape.Dims.Any(dim => !SymDim.ProvablyOne(dim, known) && !SymDim.ProvablyNotOne(dim, known)))
            {
                return ShapeValue.Unknown;
            }
            return new TensorValue(SymShape.Closed(shape.Dims.Where(dim => !SymDim.ProvablyOne(dim, known))));
        }
        if (Dimension(inference, call, shape, "dim") is not { } index)
        {
            return ShapeValue.Unknown;
        }
        var target = shape.Dims[index];
        return SymDim.ProvablyOne(target, known) ? new TensorValue(shape.RemoveAt(index))
            : SymDim.ProvablyNotOne(target, known) ? new TensorValue(shape)
            : ShapeValue.Unknown;
    }

    private static ShapeValue Matmul(ShapeInference inference, Call call, SymShape a, SymShape b)
    {
        var known = inference.Known;
        if (a.Dims.Length == 0 && !a.Open || b.Dims.Length == 0 && !b.Open)
        {
            return ShapeValue.Unknown;
        }
        var aVector = a.Rank == 1;
        var bVector = b.Rank == 1;
        if (!aVector && a.Dims.Length < 2 || !bVector && b.Dims.Length < 2)
        {
            return ShapeValue.Unknown;
        }
        var inner = a.Dims[a.Dims.Length - 1];
        var other = bVector ? b.Dims[0] : b.Dims[b.Dims.Length - 2];
        if (SymDim.ProvablyDifferent(inner, other, known))
        {
            inference.ReportAt(Descriptors.IncompatibleOperands, call.Invocation, $"'{call.Name}'", a.Describe(known), b.Describe(known),
                $"the inner dimensions {Value(inner!, known)} and {Value(other!, known)} differ");
            return ShapeValue.Unknown;
        }
        if (aVector && bVector)
        {
            return new TensorValue(SymShape.Scalar);
        }
        if (aVector)
        {
            return new TensorValue(new SymShape(b.Dims.RemoveAt(b.Dims.Length - 2), b.Open));
        }
        if (bVector)
        {
            return new TensorValue(new SymShape(a.Dims.RemoveAt(a.Dims.Length - 1), a.Open));
        }
        var batchA = new SymShape(a.Dims.RemoveRange(a.Dims.Length - 2, 2), a.Open);
        var batchB = new SymShape(b.Dims.RemoveRange(b.Dims.Length - 2, 2), b.Open);
        if (Broadcast(inference, $"'{call.Name}' (batch dimensions)", call.Invocation, batchA, batchB, known) is not TensorValue batch)
        {
            return ShapeValue.Unknown;
        }
        return new TensorValue(new SymShape(batch.Shape.Dims.Add(a.Dims[a.Dims.Length - 2]).Add(b.Dims[b.Dims.Length - 1]), batch.Shape.Open));
    }

    private static ShapeValue Reduce(ShapeInference inference, Call call, SymShape shape, string name)
    {
        var keep = call.Named("keepdim", "keepDim")?.Operation.Value.ConstantValue is { HasValue: true, Value: true };
        var dimensionArguments = call.Arguments
            .Where(a => a.Operation.Parameter is { } p && (p.Name.StartsWith("dim", StringComparison.Ordinal) || p.Name == "axis")
                && a.Operation.ArgumentKind != Microsoft.CodeAnalysis.Operations.ArgumentKind.DefaultValue)
            .ToList();
        if (dimensionArguments.Count == 0)
        {
            // A reduction over everything; the overloads without dimensions take none.
            var anyOther = call.Arguments.Any(a => a.Operation.ArgumentKind != Microsoft.CodeAnalysis.Operations.ArgumentKind.DefaultValue
                && a.Operation.Parameter?.Type.Name != "Nullable" && a.Operation.Parameter?.Name is not ("type" or "dtype" or "unbiased"));
            return anyOther ? ShapeValue.Unknown : new TensorValue(keep && !shape.Open ? SymShape.Closed(shape.Dims.Select(_ => (SymDim?)SymDim.One)) : SymShape.Scalar);
        }
        var dims = new List<(long Dim, ShapeInference.CallArgument Argument)>();
        foreach (var argument in dimensionArguments)
        {
            switch (argument.Value)
            {
                case IntValue { Constant: { } single }:
                    dims.Add((single, argument));
                    break;
                case ListValue list when list.Items.All(item => item is IntValue { Constant: not null }):
                    dims.AddRange(list.Items.Select(item => (((IntValue)item).Constant!.Value, argument)));
                    break;
                default:
                    return ShapeValue.Unknown;
            }
        }
        var positions = new SortedSet<int>();
        foreach (var (dim, argument) in dims)
        {
            if (CheckRange(inference, call, argument, dim, shape))
            {
                return ShapeValue.Unknown;
            }
            if (shape.IndexOf(dim) is not { } position)
            {
                return ShapeValue.Unknown;
            }
            positions.Add(position);
        }
        var result = shape;
        foreach (var position in positions.Reverse())
        {
            result = keep ? result.With(position, SymDim.One) : result.RemoveAt(position);
        }
        return new TensorValue(result);
    }

    private static ShapeValue ValuesAndIndices(ShapeInference inference, Call call, SymShape shape, string name)
    {
        if (name == "sort")
        {
            var dim = call.Long("dim") ?? -1;
            if (call.Named("dim") is { } argument && CheckRange(inference, call, argument, dim, shape))
            {
                return ShapeValue.Unknown;
            }
            return new ListValue(ImmutableArray.Create<ShapeValue>(new TensorValue(shape), new TensorValue(shape)));
        }
        if (call.Arguments.Count == 0)
        {
            return new TensorValue(SymShape.Scalar);
        }
        if (Reduce(inference, call, shape, name) is TensorValue reduced)
        {
            return new ListValue(ImmutableArray.Create<ShapeValue>(reduced, reduced));
        }
        return ShapeValue.Unknown;
    }

    private static ShapeValue Chunk(ShapeInference inference, Call call, SymShape shape)
    {
        var count = call.Long("chunks");
        var index = call.Named("dim") is { } dimArgument ? Dimension(inference, call, shape, "dim") : shape.IndexOf(0);
        if (count is not { } n || n <= 0 || n > inference.ListLimit || index is not { } position)
        {
            return ShapeValue.Unknown;
        }
        var size = shape.Dims[position];
        var piece = size?.TryDivideExactly(SymDim.Constant(n));
        if (piece is null && size?.Evaluate(inference.Known) is { } value && value % n == 0)
        {
            piece = size.Divide(SymDim.Constant(n));
        }
        var item = new TensorValue(shape.With(position, piece));
        return new ListValue(Enumerable.Repeat<ShapeValue>(item, (int)n).ToImmutableArray());
    }

    private static ShapeValue Split(ShapeInference inference, Call call, SymShape shape)
    {
        var known = inference.Known;
        var index = call.Named("dim") is not null ? Dimension(inference, call, shape, "dim") : shape.IndexOf(0);
        if (index is not { } position)
        {
            return ShapeValue.Unknown;
        }
        var size = shape.Dims[position];
        var argument = call.Named("sizes", "size", "split_size");
        if (argument?.Value is ListValue list)
        {
            var pieces = list.Items.Select(item => item is IntValue integer ? integer.Dim : null).ToList();
            if (pieces.Count > inference.ListLimit)
            {
                return ShapeValue.Unknown;
            }
            SymDim? sum = SymDim.Zero;
            foreach (var piece in pieces)
            {
                sum = piece is null ? null : sum?.Add(piece);
            }
            if (sum is not null && size is not null && SymDim.ProvablyDifferent(sum, size, known))
            {
                inference.ReportAt(Descriptors.ElementCountMismatch, call.Invocation, $"'{call.Name}'", shape.Describe(known),
                    "pieces of " + string.Join(" + ", pieces.Select(p => p!.ToString())), $"the sizes add up to {Value(sum, known)}, not {Value(size, known)}");
                return ShapeValue.Unknown;
            }
            return new ListValue(pieces.Select(piece => (ShapeValue)new TensorValue(shape.With(position, piece))).ToImmutableArray());
        }
        if (argument?.Value is IntValue { Dim: { } each } && size is not null && size.TryDivideExactly(each) is { ConstantValue: { } count }
            && count > 0 && count <= inference.ListLimit)
        {
            return new ListValue(Enumerable.Repeat<ShapeValue>(new TensorValue(shape.With(position, each)), (int)count).ToImmutableArray());
        }
        return ShapeValue.Unknown;
    }

    private static ShapeValue Unbind(ShapeInference inference, Call call, SymShape shape)
    {
        var index = call.Named("dimension", "dim") is not null ? Dimension(inference, call, shape, "dimension", "dim") : shape.IndexOf(0);
        if (index is not { } position || shape.Dims[position]?.Evaluate(_ => null) is not { } count || count <= 0 || count > inference.ListLimit)
        {
            return ShapeValue.Unknown;
        }
        return new ListValue(Enumerable.Repeat<ShapeValue>(new TensorValue(shape.RemoveAt(position)), (int)count).ToImmutableArray());
    }

    private static ShapeValue Narrow(ShapeInference inference, Call call, SymShape shape)
    {
        if (Dimension(inference, call, shape, "dim") is not { } position || call.Named("length") is not { Value: IntValue length })
        {
            return ShapeValue.Unknown;
        }
        return new TensorValue(shape.With(position, length.Dim));
    }

    private static ShapeValue Select(ShapeInference inference, Call call, SymShape shape)
        => Dimension(inference, call, shape, "dim") is { } position ? new TensorValue(shape.RemoveAt(position)) : ShapeValue.Unknown;

    private static ShapeValue IndexSelect(ShapeInference inference, Call call, SymShape shape)
    {
        if (Dimension(inference, call, shape, "dim") is not { } position)
        {
            return ShapeValue.Unknown;
        }
        var index = TensorArgument(call, "index");
        return new TensorValue(shape.With(position, index is { Rank: 1 } ? index.Dims[0] : null));
    }

    private static ShapeValue Expand(ShapeInference inference, Call call, SymShape shape)
    {
        var known = inference.Known;
        var sizes = Sizes(call, "sizes", "size");
        if (sizes is null)
        {
            return ShapeValue.Unknown;
        }
        var target = sizes.Value;
        var dims = new SymDim?[target.Length];
        for (var i = 1; i <= target.Length; i++)
        {
            var wanted = target[target.Length - i];
            var existing = i <= shape.Dims.Length ? shape.Dims[shape.Dims.Length - i] : null;
            var hasExisting = i <= shape.Dims.Length;
            if (wanted?.ConstantValue == -1)
            {
                dims[target.Length - i] = hasExisting ? existing : null;
                continue;
            }
            if (hasExisting && SymDim.ProvablyNotOne(existing, known) && SymDim.ProvablyDifferent(existing, wanted, known))
            {
                inference.ReportAt(Descriptors.IncompatibleOperands, call.Invocation, $"'{call.Name}'", shape.Describe(known), SymShape.Closed(target).Describe(known),
                    $"dimension {-i} is {Value(existing!, known)}, which only a size of 1 can expand from");
                return ShapeValue.Unknown;
            }
            dims[target.Length - i] = wanted;
        }
        return new TensorValue(new SymShape(dims.ToImmutableArray(), open: false));
    }

    private static ShapeValue Repeat(Call call, SymShape shape)
    {
        var sizes = Sizes(call, "sizes", "repeats");
        if (sizes is null || shape.Open || sizes.Value.Length < shape.Dims.Length)
        {
            return ShapeValue.Unknown;
        }
        var padded = Enumerable.Repeat<SymDim?>(SymDim.One, sizes.Value.Length - shape.Dims.Length).Concat(shape.Dims).ToList();
        return new TensorValue(SymShape.Closed(padded.Zip(sizes.Value, (dim, times) => dim is null || times is null ? null : dim.Multiply(times))));
    }

    private static ShapeValue Size(ShapeInference inference, Call call, SymShape shape)
    {
        if (call.Arguments.Count == 0)
        {
            return new SizesValue(shape);
        }
        return Dimension(inference, call, shape, "dim") is { } position ? new IntValue(shape.Dims[position]) : new IntValue(null);
    }

    private static List<SymShape?>? TensorList(Call call)
    {
        var argument = call.Named("tensors", "inputs");
        if (argument?.Value is not ListValue list)
        {
            return null;
        }
        return list.Items.Select(item => item is TensorValue tensor ? tensor.Shape : null).ToList();
    }

    private static ShapeValue Concatenate(ShapeInference inference, Call call)
    {
        var known = inference.Known;
        var shapes = TensorList(call);
        if (shapes is null || shapes.Count == 0)
        {
            return ShapeValue.Unknown;
        }
        var dimArgument = call.Named("dim", "axis");
        var dim = dimArgument?.Value is IntValue { Constant: { } d } ? d : (long?)null;
        var reference = shapes.FirstOrDefault(s => s is { Open: false });
        if (dim is null)
        {
            return ShapeValue.Unknown;
        }
        if (reference is not null && dimArgument is { } written && CheckRange(inference, call, written, dim.Value, reference))
        {
            return ShapeValue.Unknown;
        }
        var closed = shapes.Where(s => s is { Open: false }).Cast<SymShape>().ToList();
        if (closed.Select(s => s.Dims.Length).Distinct().Count() > 1)
        {
            var first = closed[0];
            var odd = closed.First(s => s.Dims.Length != first.Dims.Length);
            inference.ReportAt(Descriptors.IncompatibleOperands, call.Invocation, $"'{call.Name}'", first.Describe(known), odd.Describe(known),
                $"the ranks {first.Dims.Length} and {odd.Dims.Length} differ");
            return ShapeValue.Unknown;
        }
        if (reference is null || shapes.Any(s => s is null || s.Open) || reference.IndexOf(dim.Value) is not { } position)
        {
            return ShapeValue.Unknown;
        }
        for (var i = 0; i < reference.Dims.Length; i++)
        {
            if (i == position)
            {
                continue;
            }
            foreach (var other in closed)
            {
                if (SymDim.ProvablyDifferent(reference.Dims[i], other.Dims[i], known))
                {
                    inference.ReportAt(Descriptors.IncompatibleOperands, call.Invocation, $"'{call.Name}'", reference.Describe(known), other.Describe(known),
                        $"dimension {i} is {Value(reference.Dims[i]!, known)} against {Value(other.Dims[i]!, known)}; only the joined dimension {dim} may differ");
                    return ShapeValue.Unknown;
                }
            }
        }
        SymDim? sum = SymDim.Zero;
        foreach (var shape in closed)
        {
            sum = shape.Dims[position] is { } part ? sum?.Add(part) : null;
        }
        return new TensorValue(reference.With(position, sum));
    }

    private static ShapeValue Stack(ShapeInference inference, Call call)
    {
        var known = inference.Known;
        var shapes = TensorList(call);
        var dim = call.Long("dim", "axis") ?? 0;
        if (shapes is null || shapes.Count == 0 || shapes.Any(s => s is null || s.Open))
        {
            return ShapeValue.Unknown;
        }
        var reference = shapes[0]!;
        foreach (var other in shapes.Skip(1))
        {
            var mismatch = other!.Dims.Length != reference.Dims.Length
                || reference.Dims.Zip(other.Dims, (x, y) => SymDim.ProvablyDifferent(x, y, known)).Any(different => different);
            if (mismatch)
            {
                inference.ReportAt(Descriptors.IncompatibleOperands, call.Invocation, $"'{call.Name}'", reference.Describe(known), other.Describe(known),
                    "stacked tensors must have equal shapes");
                return ShapeValue.Unknown;
            }
        }
        if (call.Named("dim", "axis") is { } argument && CheckRange(inference, call, argument, dim, reference, extra: 1))
        {
            return ShapeValue.Unknown;
        }
        var position = dim < 0 ? reference.Dims.Length + 1 + dim : dim;
        return new TensorValue(reference.Insert((int)position, SymDim.Constant(shapes.Count)));
    }

    private static ShapeValue Where(ShapeInference inference, Call call)
    {
        var condition = call.Self is TensorValue self ? self.Shape : TensorArgument(call, "condition");
        var x = TensorArgument(call, "x", "input", "self") ?? (call.Named("x", "input") is not null ? SymShape.Scalar : null);
        var y = TensorArgument(call, "y", "other") ?? (call.Named("y", "other") is not null ? SymShape.Scalar : null);
        if (condition is null || x is null || y is null)
        {
            return ShapeValue.Unknown;
        }
        var known = inference.Known;
        return Broadcast(inference, $"'{call.Name}'", call.Invocation, condition, x, known) is TensorValue first
            ? Broadcast(inference, $"'{call.Name}'", call.Invocation, first.Shape, y, known)
            : ShapeValue.Unknown;
    }

    private static ShapeValue Attention(ShapeInference inference, Call call)
    {
        var known = inference.Known;
        var query = call.Self is TensorValue self ? self.Shape : TensorArgument(call, "query");
        var key = TensorArgument(call, "key");
        var value = TensorArgument(call, "value");
        if (query is null || key is null || value is null || query.Dims.Length < 2 || key.Dims.Length < 2 || value.Dims.Length < 2)
        {
            return ShapeValue.Unknown;
        }
        var qDim = query.Dims[query.Dims.Length - 1];
        var kDim = key.Dims[key.Dims.Length - 1];
        if (SymDim.ProvablyDifferent(qDim, kDim, known))
        {
            inference.ReportAt(Descriptors.IncompatibleOperands, call.Invocation, $"'{call.Name}'", query.Describe(known), key.Describe(known),
                $"queries and keys need the same last dimension, not {Value(qDim!, known)} and {Value(kDim!, known)}");
            return ShapeValue.Unknown;
        }
        var kLength = key.Dims[key.Dims.Length - 2];
        var vLength = value.Dims[value.Dims.Length - 2];
        if (SymDim.ProvablyDifferent(kLength, vLength, known))
        {
            inference.ReportAt(Descriptors.IncompatibleOperands, call.Invocation, $"'{call.Name}'", key.Describe(known), value.Describe(known),
                $"keys and values need the same length, not {Value(kLength!, known)} and {Value(vLength!, known)}");
            return ShapeValue.Unknown;
        }
        return new TensorValue(query.With(query.Dims.Length - 1, value.Dims[value.Dims.Length - 1]));
    }

    private static ShapeValue Linear(ShapeInference inference, Call call, SymShape input)
    {
        var weight = TensorArgument(call, "weights", "weight");
        if (weight is not { Rank: 2 } || input.Dims.Length == 0)
        {
            return ShapeValue.Unknown;
        }
        var known = inference.Known;
        if (SymDim.ProvablyDifferent(input.Dims[input.Dims.Length - 1], weight.Dims[1], known))
        {
            inference.ReportAt(Descriptors.IncompatibleOperands, call.Invocation, $"'{call.Name}'", input.Describe(known), weight.Describe(known),
                $"the input's last dimension must equal the weight's second, not {Value(input.Dims[input.Dims.Length - 1]!, known)} and {Value(weight.Dims[1]!, known)}");
            return ShapeValue.Unknown;
        }
        return new TensorValue(input.With(input.Dims.Length - 1, weight.Dims[0]));
    }

    private static ShapeValue Creation(Call call)
    {
        var sizes = call.Arguments
            .Where(a => a.Operation.Parameter is { } p && (p.Name is "size" or "sizes" or "rows" or "columns" || p.Name.StartsWith("dim", StringComparison.Ordinal)))
            .ToList();
        if (sizes.Count == 1 && sizes[0].Value is ListValue list)
        {
            return new TensorValue(SymShape.Closed(list.Items.Select(item => item is IntValue integer ? integer.Dim : null)));
        }
        if (sizes.Count == 1 && sizes[0].Value is SizesValue shape)
        {
            return new TensorValue(shape.Shape);
        }
        if (sizes.Count >= 1 && sizes.All(a => a.Value is IntValue))
        {
            return new TensorValue(SymShape.Closed(sizes.Select(a => ((IntValue)a.Value).Dim)));
        }
        return ShapeValue.Unknown;
    }

    private static ShapeValue Arange(Call call)
    {
        var start = call.Written("start");
        var stop = call.Written("stop", "end");
        if (call.Written("step") is not null || stop is null)
        {
            return ShapeValue.Unknown;
        }
        if (!IsIntegral(stop.Value.Operation.Value) || start is not null && !IsIntegral(start.Value.Operation.Value))
        {
            return ShapeValue.Unknown;
        }
        var end = stop.Value.Value is IntValue { Dim: { } e } ? e : null;
        var begin = start is null ? SymDim.Zero : start.Value.Value is IntValue { Dim: { } b } ? b : null;
        return new TensorValue(SymShape.Closed(new[] { end is null || begin is null ? null : end.Subtract(begin) }));
    }

    private static bool IsIntegral(IOperation operation)
    {
        var inner = operation;
        while (inner is Microsoft.CodeAnalysis.Operations.IConversionOperation conversion)
        {
            inner = conversion.Operand;
        }
        return inner.Type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;
    }
}
