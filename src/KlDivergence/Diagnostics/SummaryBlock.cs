using System.Runtime.Intrinsics;

namespace KlDivergence.Diagnostics;

/// <summary>
/// What a <see cref="SampleSummary"/> needs from one block of terms, computed apart from it (on a worker thread) so
/// that the summary only merges: the block's mean and sum of squared deviations (<see cref="RunningMoments.TrySummarise"/>)
/// and, for each tail, the terms beyond that tail's bar (<see cref="LargestValues.Bar"/>, read before the block is
/// summarised). Only those terms can still enter the kept extremes, so offering them alone keeps exactly the values
/// offering the whole block would keep; merging blocks in order gives the summary that adding them in order gives.
/// </summary>
internal sealed class SummaryBlock
{
    // Grown on demand: once the bars stand, a block of thousands of terms yields a handful of candidates, and buffers
    // sized for the whole block would be fresh memory on every estimate (costly to touch on first write).
    private double[] upper = new double[16];
    private double[] lower = new double[16];

    /// <summary>The number of terms summarised.</summary>
    public int Count { get; private set; }

    /// <summary>False when a term is not finite: the moments must then be taken from the terms themselves.</summary>
    public bool IsFinite { get; private set; }

    /// <summary>The terms' mean (when <see cref="IsFinite"/>).</summary>
    public double Mean { get; private set; }

    /// <summary>The terms' sum of squared deviations from <see cref="Mean"/> (when <see cref="IsFinite"/>).</summary>
    public double SquaredDeviations { get; private set; }

    /// <summary>The terms above the upper bar, in order (none when there was no bar: see <see cref="UpperFiltered"/>).</summary>
    public ReadOnlySpan<double> Upper => upper.AsSpan(0, UpperCount);

    /// <summary>The terms whose negation is above the lower bar (not negated), in order (none when there was no bar).</summary>
    public ReadOnlySpan<double> Lower => lower.AsSpan(0, LowerCount);

    /// <summary>Whether <see cref="Upper"/> was filtered by a bar (else every term is a candidate).</summary>
    public bool UpperFiltered { get; private set; }

    /// <summary>Whether <see cref="Lower"/> was filtered by a bar (else every term is a candidate).</summary>
    public bool LowerFiltered { get; private set; }

    private int UpperCount { get; set; }

    private int LowerCount { get; set; }

    /// <summary>
    /// Summarises <paramref name="terms"/>: their moments, the terms above <paramref name="upperBar"/> and those whose
    /// negation is above <paramref name="lowerBar"/> (the lower tail is kept negated by <see cref="LargestValues"/>).
    /// A null bar filters nothing on that side.
    /// </summary>
    public void Summarise(ReadOnlySpan<double> terms, double? upperBar, double? lowerBar)
    {
        Count = terms.Length;
        IsFinite = RunningMoments.TrySummarise(terms, out double mean, out double squares);
        Mean = mean;
        SquaredDeviations = squares;
        UpperFiltered = upperBar.HasValue;
        LowerFiltered = lowerBar.HasValue;

        // v > bar keeps what LargestValues would; -v > L is v < -L (negation is exact). NaN passes neither.
        // A missing bar is +∞ here (nothing collected): the caller offers the whole block on that side.
        double high = upperBar ?? double.PositiveInfinity;
        double low = lowerBar.HasValue ? -lowerBar.Value : double.NegativeInfinity;
        int up = 0, down = 0, i = 0;
        var highs = Vector256.Create(high);
        var lows = Vector256.Create(low);
        for (; i <= terms.Length - 4; i += 4)
        {
            var v = Vector256.Create(terms.Slice(i, 4));
            if ((Vector256.GreaterThan(v, highs) | Vector256.LessThan(v, lows)).ExtractMostSignificantBits() == 0)
            {
                continue;
            }

            for (int j = i; j < i + 4; j++)
            {
                Collect(terms[j], high, low, ref up, ref down);
            }
        }

        for (; i < terms.Length; i++)
        {
            Collect(terms[i], high, low, ref up, ref down);
        }

        UpperCount = up;
        LowerCount = down;
    }

    private void Collect(double v, double high, double low, ref int up, ref int down)
    {
        if (v > high)
        {
            Append(ref upper, ref up, v);
        }

        if (v < low)
        {
            Append(ref lower, ref down, v);
        }
    }

    private static void Append(ref double[] buffer, ref int count, double v)
    {
        if (count == buffer.Length)
        {
            Array.Resize(ref buffer, 2 * buffer.Length);
        }

        buffer[count++] = v;
    }
}
