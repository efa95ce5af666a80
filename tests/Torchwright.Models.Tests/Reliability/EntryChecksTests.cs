using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Torchwright.Models.Tests.Reliability;

/// <summary>
/// Every [Model] in src/Models, built from its default configuration, refuses a wrong first tensor argument at every
/// generated entry — wrong rank, a wrong configuration-bound dimension, wrong element kind, wrong device — with an error that names the entry, the argument,
/// the declared shape and what it got. Found by reflection, so a new model is covered without a new test.
/// </summary>
public sealed class EntryChecksTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Models()
        => typeof(Torchwright.Models.Gpt.ByteGpt).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<ModelAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => new object[] { t.FullName! });

    [Fact]
    public void Every_seed_family_has_a_model_here()
    {
        var names = Models().Select(m => (string)m[0]).ToArray();
        foreach (var family in new[] { ".Gpt.", ".Hat.", ".MrT5.", ".Ftp.", ".Zett.", ".FlexTok." })
            Assert.Contains(names, n => n.Contains(family, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Wrong_rank_kind_and_device_are_refused_by_name(string typeName)
    {
        var type = typeof(Torchwright.Models.Gpt.ByteGpt).Assembly.GetType(typeName)!;
        using var model = Build(type);
        int checkedEntries = 0, dimensionChecks = 0;
        foreach (var (entry, parameter, shape) in Entries(type))
        {
            var tensorParameters = entry.GetParameters();
            int index = Array.IndexOf(tensorParameters, parameter);
            string entryName = $"{type.Name}.{entry.Name}";

            // Rank: one dimension too many (a shape with leading "..." accepts more, so give it none).
            int declared = shape.Dimensions.Replace(" ", "").Split(',').Length;
            long[] wrongRank = shape.Dimensions.Replace(" ", "").StartsWith("...", StringComparison.Ordinal) ? [] : Enumerable.Repeat(2L, declared + 1).ToArray();
            if (!(shape.Dimensions.Replace(" ", "").StartsWith("...", StringComparison.Ordinal) && declared == 1))
            {
                var rankError = Call(model, entry, index, Tensor(wrongRank, shape.Elements, CPU));
                Assert.Equal(parameter.Name, rankError.ParamName);
                Assert.Contains(entryName, rankError.Message);
                Assert.Contains(shape.Dimensions.Replace(" ", ""), rankError.Message.Replace(" ", ""));
                Assert.Contains("[" + string.Join(",", wrongRank) + "]", rankError.Message);
            }

            // Element kind, where the contract declares one.
            if (shape.Elements is ElementKind.Integer or ElementKind.Boolean or ElementKind.Floating)
            {
                var other = shape.Elements == ElementKind.Floating ? ElementKind.Integer : ElementKind.Floating;
                var kindError = Call(model, entry, index, Tensor(Enumerable.Repeat(2L, declared).ToArray(), other, CPU));
                Assert.Equal(parameter.Name, kindError.ParamName);
                Assert.Contains("expected " + shape.Elements.ToString().ToLowerInvariant(), kindError.Message);
            }

            // A dimension bound by the configuration, one too large; the message shows the bound values.
            if (WrongDimension(model, shape.Dimensions.Replace(" ", "")) is { } wrong)
            {
                var dimensionError = Call(model, entry, index, Tensor(wrong.Shape, shape.Elements, CPU));
                Assert.Equal(parameter.Name, dimensionError.ParamName);
                Assert.Contains($"dimension {wrong.Index} ({wrong.Name}) is {wrong.Shape[wrong.Index]}, expected {wrong.Shape[wrong.Index] - 1}", dimensionError.Message);
                dimensionChecks++;
            }

            // Device: a tensor without storage on the meta device.
            var deviceError = Call(model, entry, index, Tensor(Enumerable.Repeat(2L, declared).ToArray(), shape.Elements, META));
            Assert.Equal(parameter.Name, deviceError.ParamName);
            Assert.Contains("is on meta", deviceError.Message);
            checkedEntries++;
        }
        output.WriteLine($"{type.Name}: {checkedEntries} entries checked, {dimensionChecks} with a configuration-bound dimension");
        Assert.True(checkedEntries > 0, $"{type.Name} has no guarded entry with a tensor argument");
    }

    private static torch.nn.Module Build(Type type)
    {
        var configType = type.GetCustomAttribute<ModelAttribute>()!.ConfigType;
        var configConstructor = configType.GetConstructors().OrderBy(c => c.GetParameters().Length).First();
        var config = configConstructor.Invoke(configConstructor.GetParameters()
            .Select(p => p.HasDefaultValue ? p.DefaultValue : throw new InvalidOperationException($"{configType.Name}.{p.Name} has no default")).ToArray());
        var constructor = type.GetConstructors().Single(c => c.GetParameters().Length > 0 && c.GetParameters()[0].ParameterType == configType);
        var arguments = constructor.GetParameters().Select((p, i) => i == 0 ? config : p.HasDefaultValue ? p.DefaultValue : null).ToArray();
        return (torch.nn.Module)constructor.Invoke(arguments);
    }

    // Each [Forward] method's generated entry (Forward → forward, EncodeStep → encode_step) with its first tensor argument.
    private static IEnumerable<(MethodInfo Entry, ParameterInfo Parameter, ShapeAttribute Shape)> Entries(Type type)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var method in type.GetMethods(all).Where(m => m.GetCustomAttribute<ForwardAttribute>() is not null))
        {
            var entry = type.GetMethods(BindingFlags.Instance | BindingFlags.Public)
                .FirstOrDefault(m => m.Name == SnakeCase(method.Name) && m.GetParameters().Length == method.GetParameters().Length);
            var first = entry?.GetParameters().FirstOrDefault(p => p.ParameterType == typeof(Tensor));
            if (entry is null || first is null) continue;
            var shape = method.GetParameters()[first.Position].GetCustomAttribute<ShapeAttribute>();
            if (shape is null) continue;
            yield return (entry, first, shape);
        }
    }

    // The shape with its first configuration-member dimension set one above the configured value, other dimensions 2;
    // null when no dimension is a plain configuration member (or the shape has a leading "...").
    private static (long[] Shape, int Index, string Name)? WrongDimension(torch.nn.Module model, string dimensions)
    {
        if (dimensions.StartsWith("...", StringComparison.Ordinal)) return null;
        var config = model.GetType().GetProperty("Config")?.GetValue(model);
        if (config is null) return null;
        var names = dimensions.Split(',');
        for (int i = 0; i < names.Length; i++)
        {
            if (config.GetType().GetProperty(names[i])?.GetValue(config) is int value)
            {
                var shape = Enumerable.Repeat(2L, names.Length).ToArray();
                shape[i] = value + 1;
                return (shape, i, names[i]);
            }
        }
        return null;
    }

    private static ArgumentException Call(torch.nn.Module model, MethodInfo entry, int index, Tensor bad)
    {
        using (bad)
        {
            var arguments = entry.GetParameters().Select((p, i) => i == index ? bad : Default(p)).ToArray();
            var thrown = Assert.Throws<TargetInvocationException>(() => entry.Invoke(model, arguments));
            return Assert.IsAssignableFrom<ArgumentException>(thrown.InnerException);
        }
    }

    private static object? Default(ParameterInfo parameter)
        => parameter.HasDefaultValue ? parameter.DefaultValue
            : parameter.ParameterType.IsValueType ? Activator.CreateInstance(parameter.ParameterType) : null;

    private static Tensor Tensor(long[] shape, ElementKind elements, Device device) => elements switch
    {
        ElementKind.Integer => zeros(shape, ScalarType.Int64, device),
        ElementKind.Boolean => zeros(shape, ScalarType.Bool, device),
        _ => zeros(shape, ScalarType.Float32, device),
    };

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) builder.Append('_');
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
