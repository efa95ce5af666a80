using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Torchwright.Runtime.Training;

/// <summary>Renders loss curves to PNG with ScottPlot.</summary>
public static class LossPlot
{
    /// <summary>File name used inside an output directory.</summary>
    public const string FileName = "loss.png";

    /// <summary>Image width in pixels.</summary>
    public const int Width = 800;

    /// <summary>Image height in pixels.</summary>
    public const int Height = 500;

    /// <summary>
    /// Saves an 800x500 PNG with the raw loss (thin, translucent) and its exponential moving average (thick).
    /// Non-finite losses are left out. Directories in <paramref name="path"/> are created as needed.
    /// </summary>
    /// <param name="path">Destination PNG file.</param>
    /// <param name="points">(step, loss) pairs in step order.</param>
    /// <param name="title">Plot title.</param>
    /// <param name="smoothing">EMA history weight in [0, 1); see <see cref="Smoothing.ExponentialMovingAverage"/>.</param>
    public static void Save(string path, IReadOnlyList<(int step, double loss)> points, string title, double smoothing = 0.9)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(title);

        var finite = points.Where(p => double.IsFinite(p.loss)).ToArray();
        double[] xs = finite.Select(p => (double)p.step).ToArray();
        double[] ys = finite.Select(p => p.loss).ToArray();

        var plot = new ScottPlot.Plot();
        if (xs.Length > 0)
        {
            var raw = plot.Add.ScatterLine(xs, ys);
            raw.LegendText = "loss";
            raw.LineWidth = 1;
            raw.Color = ScottPlot.Colors.SteelBlue.WithAlpha(0.45);

            var smooth = plot.Add.ScatterLine(xs, Smoothing.ExponentialMovingAverage(ys, smoothing));
            smooth.LegendText = $"EMA ({smoothing:0.###})";
            smooth.LineWidth = 2;
            smooth.Color = ScottPlot.Colors.OrangeRed;

            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        }
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("loss");

        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        plot.SavePng(full, Width, Height);
    }
}
