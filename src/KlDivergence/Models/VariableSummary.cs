namespace KlDivergence.Models;

/// <summary>The summary of one scalar element's draws.</summary>
/// <param name="Name">The column name, e.g. <c>theta[1]</c>.</param>
/// <param name="Mean">The sample mean.</param>
/// <param name="StandardDeviation">The sample standard deviation (n - 1 in the denominator).</param>
/// <param name="Q05">The 5% quantile.</param>
/// <param name="Q50">The median.</param>
/// <param name="Q95">The 95% quantile.</param>
public sealed record VariableSummary(string Name, double Mean, double StandardDeviation, double Q05, double Q50, double Q95)
{
    /// <summary>Summarises <paramref name="draws"/>; quantiles interpolate linearly between order statistics (Hyndman &amp; Fan 1996, type 7).</summary>
    internal static VariableSummary Of(string name, ReadOnlySpan<double> draws)
    {
        var sorted = draws.ToArray();
        Array.Sort(sorted);
        double mean = 0;
        foreach (double v in sorted)
        {
            mean += v;
        }

        mean /= sorted.Length;
        double ss = 0;
        foreach (double v in sorted)
        {
            ss += (v - mean) * (v - mean);
        }

        double sd = sorted.Length > 1 ? Math.Sqrt(ss / (sorted.Length - 1)) : double.NaN;
        return new VariableSummary(name, mean, sd, Quantile(sorted, 0.05), Quantile(sorted, 0.5), Quantile(sorted, 0.95));
    }

    private static double Quantile(double[] sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
