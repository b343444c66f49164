namespace KlDivergence.Diagnostics;

/// <summary>
/// The outcome of <see cref="ParetoSmoothing.Smooth"/>: smoothed log importance ratios (same order as the input,
/// unnormalised), the Pareto k-hat of the raw ratios' right tail, and the tail length M that was smoothed.
/// </summary>
public sealed class ParetoSmoothedWeights
{
    private readonly double[] logWeights;

    internal ParetoSmoothedWeights(double[] logWeights, double paretoK, int tailLength)
    {
        this.logWeights = logWeights;
        ParetoK = paretoK;
        TailLength = tailLength;
    }

    /// <summary>The smoothed log importance ratios, in the order of the input.</summary>
    public IReadOnlyList<double> LogWeights => logWeights;

    /// <summary>
    /// The Pareto k-hat of the raw ratios' right tail: below <see cref="ParetoSmoothing.ReliabilityThreshold"/> the
    /// smoothed estimate is reliable; +∞ when there were too few ratios to fit, -∞ when the tail was flat.
    /// </summary>
    public double ParetoK { get; }

    /// <summary>The number M of largest ratios that were replaced.</summary>
    public int TailLength { get; }

    /// <summary>True when <see cref="ParetoK"/> is at most <see cref="ParetoSmoothing.ReliabilityThreshold"/>.</summary>
    public bool IsReliable => ParetoK <= ParetoSmoothing.ReliabilityThreshold;

    /// <summary>The smoothed weights normalised to sum to 1 (self-normalised importance sampling).</summary>
    public double[] NormalizedWeights()
    {
        double max = double.NegativeInfinity;
        foreach (double v in logWeights)
        {
            max = Math.Max(max, v);
        }

        var w = new double[logWeights.Length];
        double sum = 0;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = Math.Exp(logWeights[i] - max);
            sum += w[i];
        }

        for (int i = 0; i < w.Length; i++)
        {
            w[i] /= sum;
        }

        return w;
    }
}
