using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Torchwright.Runtime.Training;

/// <summary>
/// Writes training metrics as JSON Lines: one object per logged step with <c>step</c>, <c>loss</c>, <c>lr</c>,
/// <c>grad_norm</c>, <c>elapsed_ms</c> and any extra named values. Non-finite numbers are written as
/// <c>null</c> (JSON has no NaN). Lines are flushed every <see cref="FlushEveryLines"/> lines, at least every
/// two seconds, and on <see cref="Flush"/>/<see cref="Dispose"/>.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    /// <summary>File name used inside an output directory.</summary>
    public const string FileName = "metrics.jsonl";

    /// <summary>Number of lines after which the log is flushed.</summary>
    public const int FlushEveryLines = 10;

    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);
    private static readonly string[] Reserved = ["step", "loss", "lr", "grad_norm", "elapsed_ms"];

    private readonly StreamWriter _writer;
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Stopwatch _sinceFlush = Stopwatch.StartNew();
    private int _unflushedLines;
    private bool _disposed;

    /// <summary>Opens (creating directories as needed) a JSON Lines file.</summary>
    /// <param name="path">File to write.</param>
    /// <param name="append">Append to an existing file instead of replacing it (for resumed runs).</param>
    public MetricsLog(string path, bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _writer = new StreamWriter(Path, append, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>Opens <c>metrics.jsonl</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">Output directory; created if missing.</param>
    /// <param name="append">Append to an existing file instead of replacing it.</param>
    /// <returns>The open log.</returns>
    public static MetricsLog InDirectory(string directory, bool append = false) =>
        new(System.IO.Path.Combine(directory, FileName), append);

    /// <summary>Full path of the file being written.</summary>
    public string Path { get; }

    /// <summary>Whether <paramref name="name"/> is one of the fixed field names.</summary>
    /// <param name="name">A metric name.</param>
    /// <returns>True for <c>step</c>, <c>loss</c>, <c>lr</c>, <c>grad_norm</c> and <c>elapsed_ms</c>.</returns>
    public static bool IsReserved(string name) => Array.IndexOf(Reserved, name) >= 0;

    /// <summary>Appends one line for <paramref name="record"/>.</summary>
    /// <param name="record">The step to log.</param>
    /// <param name="extra">Additional named values, or null.</param>
    public void Write(StepRecord record, IReadOnlyDictionary<string, double>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ObjectDisposedException.ThrowIf(_disposed, this);

        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("step", record.Step);
            WriteNumber(json, "loss", record.Loss);
            WriteNumber(json, "lr", record.LearningRate);
            WriteNumber(json, "grad_norm", record.GradNorm);
            WriteNumber(json, "elapsed_ms", Math.Round(record.ElapsedMilliseconds, 3));
            if (extra is not null)
            {
                foreach (var (name, value) in extra)
                {
                    if (IsReserved(name)) throw new ArgumentException($"'{name}' is a reserved metric name.", nameof(extra));
                    WriteNumber(json, name, value);
                }
            }
            json.WriteEndObject();
        }

        _writer.WriteLine(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        if (++_unflushedLines >= FlushEveryLines || _sinceFlush.Elapsed >= FlushInterval) Flush();
    }

    /// <summary>Flushes buffered lines to disk.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.Flush();
        _unflushedLines = 0;
        _sinceFlush.Restart();
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _writer.Flush();
        _writer.Dispose();
        _disposed = true;
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, float value)
    {
        if (float.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }
}
