namespace KlDivergence.Samples.Plotting;

/// <summary>Bin edges and heights of a histogram, as returned by numpy's <c>histogram</c>.</summary>
/// <param name="Edges">Bin edges, one more than <paramref name="Heights"/>.</param>
/// <param name="Heights">Counts, or densities when normalised.</param>
public sealed record HistogramBins(double[] Edges, double[] Heights)
{
    /// <summary>Bins <paramref name="samples"/> into equal-width bins.</summary>
    /// <param name="samples">The data; non-finite values are ignored.</param>
    /// <param name="bins">Number of bins.</param>
    /// <param name="density">Normalise so the bars integrate to one (matplotlib's <c>density=True</c>).</param>
    /// <param name="range">Binning range; defaults to the sample range. Samples outside are dropped.</param>
    /// <returns>The histogram.</returns>
    public static HistogramBins Compute(IReadOnlyList<double> samples, int bins = 30, bool density = true, Interval? range = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double[] finite = samples.Where(double.IsFinite).ToArray();
        double lo, hi;
        if (range is { } r)
        {
            (lo, hi) = (Math.Min(r.Min, r.Max), Math.Max(r.Min, r.Max));
        }
        else if (finite.Length > 0)
        {
            (lo, hi) = (finite.Min(), finite.Max());
        }
        else
        {
            (lo, hi) = (0, 1);
        }

        if (hi <= lo)
        {
            // numpy widens a degenerate range by ±0.5.
            (lo, hi) = (lo - 0.5, hi + 0.5);
        }

        double width = (hi - lo) / bins;
        var edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++)
        {
            edges[i] = lo + (i * width);
        }

        edges[^1] = hi;
        var heights = new double[bins];
        int counted = 0;
        foreach (double v in finite)
        {
            if (v < lo || v > hi)
            {
                continue;
            }

            // The last bin is closed on the right, as in numpy.
            int k = Math.Min((int)((v - lo) / width), bins - 1);
            heights[k]++;
            counted++;
        }

        if (density && counted > 0)
        {
            for (int i = 0; i < bins; i++)
            {
                heights[i] /= counted * width;
            }
        }

        return new HistogramBins(edges, heights);
    }
}
