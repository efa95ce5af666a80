using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Torchwright.Runtime.Checkpoints;

namespace Torchwright.Runtime.Training;

/// <summary>
/// Everything a <see cref="Trainer"/> needs to continue a run as if it had never stopped, in one safetensors file:
/// the model's state dict (<c>model/…</c>), AdamW's moments and step counts per parameter (<c>optimizer/i/…</c>),
/// torch's global random state (<c>rng/torch</c>, which dropout draws from) and, as metadata, the completed step
/// and the run's seed and length. The learning-rate schedule is a function of the step and batch sampling is
/// seeded per step, so the step restores both.
/// </summary>
internal static class TrainingState
{
    private const string Kind = "torchwright.training-state/1";
    private const string ModelPrefix = "model/";
    private const string RngKey = "rng/torch";

    public static void Save(string path, torch.nn.Module model, FlatAdamW optimizer, FlatMuon? muon, int completedSteps, TrainingOptions options)
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new List<(string, torch.Tensor)>();
        foreach (var (key, tensor) in model.state_dict())
        {
            tensors.Add((ModelPrefix + key, tensor));
        }
        for (int i = 0; i < optimizer.Moments.Count; i++)
        {
            var (average, averageSquare) = optimizer.Moments[i];
            tensors.Add((OptimizerKey(i, "exp_avg"), average));
            tensors.Add((OptimizerKey(i, "exp_avg_sq"), averageSquare));
            tensors.Add((OptimizerKey(i, "step"), torch.tensor(optimizer.Steps)));
        }
        if (muon is not null)
        {
            for (int i = 0; i < muon.Momenta.Count; i++)
                tensors.Add((MuonKey(i), muon.Momenta[i]));
            tensors.Add((MuonStepKey, torch.tensor(muon.Steps)));
        }
        tensors.Add((RngKey, torch.get_rng_state()));

        var metadata = new Dictionary<string, string>
        {
            ["format"] = Kind,
            ["completed_steps"] = completedSteps.ToString(CultureInfo.InvariantCulture),
            ["total_steps"] = options.Steps.ToString(CultureInfo.InvariantCulture),
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        };
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Reads and checks the whole file against the model, the optimiser and the options, then applies it.
    /// Any problem is reported before anything changes.
    /// </summary>
    /// <returns>The completed step stored in the file.</returns>
    public static int Restore(string path, torch.nn.Module model, FlatAdamW optimizer, FlatMuon? muon, TrainingOptions options)
    {
        var header = SafeTensors.ReadHeader(path);
        int completed = CheckMetadata(path, header.Metadata, options);

        var loaded = SafeTensors.Load(path);
        try
        {
            var targets = Targets(model, optimizer, muon);
            var problems = new List<string>();
            foreach (var (key, target) in targets)
            {
                if (!loaded.TryGetValue(key, out var value))
                    problems.Add($"missing '{key}'");
                else if (!value.shape.SequenceEqual(target.shape) || value.dtype != target.dtype)
                    problems.Add($"'{key}': expected {target.dtype} [{string.Join(",", target.shape)}], file has {value.dtype} [{string.Join(",", value.shape)}]");
            }
            var stepKeys = Enumerable.Range(0, optimizer.Moments.Count).Select(i => OptimizerKey(i, "step")).ToHashSet(StringComparer.Ordinal);
            if (muon is not null) stepKeys.Add(MuonStepKey);
            foreach (var key in loaded.Keys.Where(k => k != RngKey && !targets.ContainsKey(k) && !stepKeys.Contains(k)).Order(StringComparer.Ordinal))
                problems.Add($"unexpected '{key}'");
            var steps = new HashSet<long>();
            for (int i = 0; i < optimizer.Moments.Count; i++)
                ReadStep(loaded, OptimizerKey(i, "step"), steps, problems);
            if (muon is not null)
                ReadStep(loaded, MuonStepKey, steps, problems);
            if (steps.Count > 1)
                problems.Add($"the parameters' optimizer steps differ ({string.Join(", ", steps.Order())}); one optimizer takes one step count");
            CheckRandomState(loaded, problems);
            if (problems.Count > 0)
                throw new CheckpointFormatException(path, null, $"the training state does not fit this trainer, nothing was changed: {string.Join("; ", problems)}.");

            using (torch.no_grad())
            {
                foreach (var (key, target) in targets)
                    target.copy_(loaded[key]);
            }
            optimizer.Steps = steps.Single();
            if (muon is not null) muon.Steps = steps.Single();
            torch.set_rng_state(loaded[RngKey]);
            return completed;
        }
        finally
        {
            foreach (var tensor in loaded.Values)
                tensor.Dispose();
        }
    }

    // A step count is one non-negative int64: item<long>() on another dtype fails inside TorchSharp.
    private static void ReadStep(Dictionary<string, torch.Tensor> loaded, string key, HashSet<long> steps, List<string> problems)
    {
        if (!loaded.TryGetValue(key, out var step) || step.numel() != 1)
            problems.Add($"missing '{key}'");
        else if (step.dtype != torch.ScalarType.Int64)
            problems.Add($"'{key}': expected one Int64 step count, file has {step.dtype}");
        else if (step.item<long>() is var value && value < 0)
            problems.Add($"'{key}': a step count cannot be negative, file has {value}");
        else
            steps.Add(value);
    }

    // set_rng_state aborts the whole process (an uncaught native exception) on a state of the wrong type or size,
    // so the state is checked against the current one's layout first.
    private static void CheckRandomState(Dictionary<string, torch.Tensor> loaded, List<string> problems)
    {
        if (!loaded.TryGetValue(RngKey, out var state))
        {
            problems.Add($"missing '{RngKey}'");
            return;
        }
        using var current = torch.get_rng_state();
        if (state.dtype != current.dtype || !state.shape.SequenceEqual(current.shape))
            problems.Add($"'{RngKey}': expected {current.dtype} {ShapeText.Format(current.shape)}, file has {state.dtype} {ShapeText.Format(state.shape)}");
    }

    private static Dictionary<string, torch.Tensor> Targets(torch.nn.Module model, FlatAdamW optimizer, FlatMuon? muon)
    {
        var targets = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in model.state_dict())
            targets[ModelPrefix + key] = tensor;
        for (int i = 0; i < optimizer.Moments.Count; i++)
        {
            targets[OptimizerKey(i, "exp_avg")] = optimizer.Moments[i].Average;
            targets[OptimizerKey(i, "exp_avg_sq")] = optimizer.Moments[i].AverageSquare;
        }
        for (int i = 0; i < (muon?.Momenta.Count ?? 0); i++)
            targets[MuonKey(i)] = muon!.Momenta[i];
        return targets;
    }

    private static int CheckMetadata(string path, IReadOnlyDictionary<string, string> metadata, TrainingOptions options)
    {
        string Read(string name) => metadata.TryGetValue(name, out var value)
            ? value
            : throw new CheckpointFormatException(path, null, $"not a Torchwright training state: its metadata has no '{name}'.");

        if (Read("format") != Kind)
            throw new CheckpointFormatException(path, null, $"format '{Read("format")}', expected '{Kind}'.");
        long seed = ReadInteger<long>(path, "seed", Read("seed"));
        int total = ReadInteger<int>(path, "total_steps", Read("total_steps"));
        int completed = ReadInteger<int>(path, "completed_steps", Read("completed_steps"));
        if (seed != options.Seed || total != options.Steps)
        {
            throw new ArgumentException(
                $"Training state '{path}' belongs to a run with seed {seed} and {total} steps, but this trainer has seed {options.Seed} and {options.Steps} steps; " +
                "resuming would not continue the same run.");
        }
        if (completed < 0 || completed > total)
            throw new CheckpointFormatException(path, null, $"{completed} completed steps of {total} is impossible.");
        return completed;
    }

    // A FormatException would name neither the file nor the entry.
    private static T ReadInteger<T>(string path, string name, string text) where T : System.Numerics.IBinaryInteger<T>
    {
        if (!T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw new CheckpointFormatException(path, null, $"metadata '{name}' is '{text}', expected an integer that fits {typeof(T).Name}.");
        return value;
    }

    private static string OptimizerKey(int index, string name) => $"optimizer/{index}/{name}";

    // One momentum buffer per parameter shape, [n, rows, cols], in FlatMuon's order.
    private static string MuonKey(int group) => $"optimizer/muon/{group}/momentum";

    private const string MuonStepKey = "optimizer/muon/step";
}
