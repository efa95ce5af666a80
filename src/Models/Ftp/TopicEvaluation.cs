using System;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace Torchwright.Models.Ftp;

/// <summary>The four FTP checks' figures for trained FTP, GPT and N-head GPT models on the same held-out sequences.</summary>
/// <param name="FtpLoss">FTP's mean cross-entropy for the token k ahead, k = 1..N (teacher-forced decoder).</param>
/// <param name="GptLoss">The GPT baseline's next-token cross-entropy.</param>
/// <param name="MultiHeadLoss">The N-head baseline's cross-entropy per offset, k = 1..N.</param>
/// <param name="FtpSmoothness">Mean cos(h_t, h_{t+1}) of FTP's top vectors.</param>
/// <param name="GptSmoothness">The same for the GPT baseline.</param>
/// <param name="MultiHeadSmoothness">The same for the N-head baseline.</param>
/// <param name="FtpProbe">Held-out accuracy of a logistic-regression topic probe on FTP's h_t.</param>
/// <param name="GptProbe">The same on the GPT baseline's h_t.</param>
/// <param name="MultiHeadProbe">The same on the N-head baseline's h_t.</param>
/// <param name="ProbeChance">Accuracy of always guessing the most frequent topic.</param>
public sealed record TopicEvaluation(
    double[] FtpLoss, double GptLoss, double[] MultiHeadLoss,
    double FtpSmoothness, double GptSmoothness, double MultiHeadSmoothness,
    double FtpProbe, double GptProbe, double MultiHeadProbe, double ProbeChance)
{
    /// <summary>Measures every figure.</summary>
    /// <param name="metrics">The held-out sequences.</param>
    /// <param name="ftp">Trained FTP.</param>
    /// <param name="gpt">Trained GPT baseline.</param>
    /// <param name="multiHead">Trained N-head baseline.</param>
    public static TopicEvaluation Measure(TopicMetrics metrics, FtpModel ftp, GptBaseline gpt, MultiHeadGptBaseline multiHead)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(ftp);
        ArgumentNullException.ThrowIfNull(gpt);
        ArgumentNullException.ThrowIfNull(multiHead);
        using var noGrad = no_grad();
        using var ftpH = ftp.encode(metrics.Tokens);
        using var gptH = gpt.encode(metrics.Tokens);
        using var multiHeadH = multiHead.encode(metrics.Tokens);
        return new TopicEvaluation(
            metrics.Losses(ftp), metrics.Loss(gpt), metrics.Losses(multiHead),
            TopicMetrics.Smoothness(ftpH), TopicMetrics.Smoothness(gptH), TopicMetrics.Smoothness(multiHeadH),
            metrics.ProbeAccuracy(ftpH), metrics.ProbeAccuracy(gptH), metrics.ProbeAccuracy(multiHeadH), metrics.ProbeChance());
    }

    /// <summary>A multi-line summary of every figure.</summary>
    public override string ToString()
    {
        static string Row(double[] values) => string.Join("  ", values.Select((v, i) => $"k={i + 1}: {v:F4}"));
        var c = CultureInfo.InvariantCulture;
        return string.Join(Environment.NewLine,
            string.Create(c, $"cross-entropy  FTP        {Row(FtpLoss)}"),
            string.Create(c, $"               GPT        k=1: {GptLoss:F4}  (FTP k=1 / GPT = {FtpLoss[0] / GptLoss:F3})"),
            string.Create(c, $"               GPT N-head {Row(MultiHeadLoss)}"),
            string.Create(c, $"mean cos(h_t, h_t+1)  FTP {FtpSmoothness:F4}  GPT {GptSmoothness:F4}  GPT N-head {MultiHeadSmoothness:F4}"),
            string.Create(c, $"topic probe accuracy  FTP {FtpProbe:P1}  GPT {GptProbe:P1}  GPT N-head {MultiHeadProbe:P1}  (majority class {ProbeChance:P1})"));
    }
}
