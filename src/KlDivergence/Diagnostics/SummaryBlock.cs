using System.Buffers;
using System.Runtime.Intrinsics;

namespace KlDivergence.Diagnostics;

/// <summary>
/// What a <see cref="SampleSummary"/> needs from one block of terms, computed apart from it (on a worker thread) so
/// that the summary only merges: the block's mean and sum of squared deviations (<see cref="RunningMoments.TrySummarise"/>)
/// and, for each tail, the terms beyond that tail's bar (<see cref="LargestValues.Bar"/>, read before the block is
/// summarised). Only those terms can still enter the kept extremes, so offering them alone keeps exactly the values
/// offering the whole block would keep; merging blocks in order gives the summary that adding them in order gives.
/// Holds pooled buffers: call <see cref="Release"/> when done.
/// </summary>
internal sealed class SummaryBlock
{
    private double[] upper;
    private double[] lower;

    /// <summary>Creates a block for up to <paramref name="capacity"/> terms.</summary>
    public SummaryBlock(int capacity)
    {
        upper = ArrayPool<double>.Shared.Rent(capacity);
        lower = ArrayPool<double>.Shared.Rent(capacity);
    }

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
        if (terms.Length > upper.Length)
        {
            throw new ArgumentException($"A block of {terms.Length} terms exceeds this block's capacity {upper.Length}.", nameof(terms));
        }

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
            if ((Vector256.GreaterThan(v, highs) | Vector256.LessThan(v, lows)) == Vector256<double>.Zero)
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

    /// <summary>Returns the pooled buffers; the block is unusable afterwards.</summary>
    public void Release()
    {
        ArrayPool<double>.Shared.Return(upper);
        ArrayPool<double>.Shared.Return(lower);
        upper = lower = [];
    }

    private void Collect(double v, double high, double low, ref int up, ref int down)
    {
        if (v > high)
        {
            upper[up++] = v;
        }

        if (v < low)
        {
            lower[down++] = v;
        }
    }
}
