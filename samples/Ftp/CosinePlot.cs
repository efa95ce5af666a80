using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Torchwright.Samples.FtpSample;

/// <summary>Draws cos(h_t, h_t+1) along one sequence for several models, with the topic changes marked.</summary>
internal static class CosinePlot
{
    public static string Save(string path, IReadOnlyDictionary<string, float[]> series, IReadOnlyList<int> topicChanges)
    {
        var plot = new ScottPlot.Plot();
        var colours = new[] { ScottPlot.Colors.OrangeRed, ScottPlot.Colors.SteelBlue, ScottPlot.Colors.Gray };
        var index = 0;
        foreach (var (name, values) in series)
        {
            var xs = Enumerable.Range(0, values.Length).Select(i => i + 0.5).ToArray();
            var line = plot.Add.ScatterLine(xs, values.Select(v => (double)v).ToArray());
            line.LegendText = $"{name} (mean {values.Average():F3})";
            line.LineWidth = 2;
            line.Color = colours[index++ % colours.Length];
        }
        foreach (var change in topicChanges)
        {
            var marker = plot.Add.VerticalLine(change - 0.5);
            marker.Color = ScottPlot.Colors.Black.WithAlpha(0.35);
            marker.LinePattern = ScottPlot.LinePattern.Dashed;
        }
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.Title("Adjacent top-vector similarity along a held-out sequence (dashed: topic changes)");
        plot.XLabel("position t (between h_t and h_t+1)");
        plot.YLabel("cos(h_t, h_t+1)");
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        plot.SavePng(full, 1000, 500);
        return full;
    }
}
