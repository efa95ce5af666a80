using System.Collections.Generic;
using System.IO;
using System.Linq;
using Torchwright.Models.FlexTok;

namespace Torchwright.Samples.FlexTokSample;

/// <summary>Plots reconstruction MSE and mean-colour error against the number of tokens (log₂ axis).</summary>
internal static class RateDistortionPlot
{
    public static string Save(string path, IReadOnlyList<RateDistortionPoint> points)
    {
        var plot = new ScottPlot.Plot();
        var xs = points.Select(point => System.Math.Log2(point.Tokens)).ToArray();
        var mse = plot.Add.ScatterLine(xs, points.Select(point => point.Mse).ToArray());
        mse.LegendText = "pixel MSE";
        mse.LineWidth = 2;
        mse.MarkerSize = 8;
        var colour = plot.Add.ScatterLine(xs, points.Select(point => point.MeanColourError).ToArray());
        colour.LegendText = "mean-colour error";
        colour.LineWidth = 2;
        colour.MarkerSize = 8;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, points.Select(point => point.Tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Title("FlexTok rate–distortion on held-out synthetic images (8 Euler steps)");
        plot.XLabel("tokens k");
        plot.YLabel("error");
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        plot.SavePng(full, 800, 500);
        return full;
    }
}
