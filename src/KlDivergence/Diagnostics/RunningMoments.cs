using System.Numerics;
using System.Runtime.InteropServices;

namespace KlDivergence.Diagnostics;

/// <summary>
/// The count, mean and sum of squared deviations of a stream of values, for a Monte Carlo mean and its standard
/// error s/√n. Values are taken one block at a time: each block's mean and squared deviations are computed in two
/// vectorised passes and merged by Chan, Golub &amp; LeVeque's pairwise update (1979; Welford's 1962 update is its
/// one-value case). Unlike Σx² - n·mean², this keeps its precision when the mean is far larger than the spread.
/// Non-finite values are kept apart: any +∞ makes the mean +∞ (with standard error 0), and ∞ - ∞ makes it NaN.
/// </summary>
internal struct RunningMoments
{
    private long count;
    private long nonFiniteCount;
    private double mean;
    private double squaredDeviations;
    private double nonFinite;

    /// <summary>The number of values taken, finite or not.</summary>
    public readonly long Count => count + nonFiniteCount;

    /// <summary>The mean of the values (±∞ or NaN when a value was not finite).</summary>
    public readonly double Mean => nonFinite != 0 ? nonFinite : mean;

    /// <summary>The standard error s/√n of <see cref="Mean"/> (0 for an infinite mean, NaN for fewer than 2 values).</summary>
    public readonly double StandardError
    {
        get
        {
            double m = Mean;
            if (double.IsInfinity(m))
            {
                return 0;
            }

            if (double.IsNaN(m) || count < 2)
            {
                return double.NaN;
            }

            return Math.Sqrt(squaredDeviations / (count - 1.0) / count);
        }
    }

    /// <summary>Takes one value.</summary>
    public void Add(double value) => Add(new ReadOnlySpan<double>(in value));

    /// <summary>Takes a block of values.</summary>
    public void Add(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        if (TrySummarise(values, out double blockMean, out double blockSquares))
        {
            Merge(values.Length, blockMean, blockSquares);
        }
        else
        {
            AddWithNonFinite(values);
        }
    }

    /// <summary>
    /// A non-empty block's mean and sum of squared deviations, as <see cref="Add(ReadOnlySpan{double})"/> merges them:
    /// false when a value is not finite (the block must then be taken by <see cref="Add(ReadOnlySpan{double})"/>).
    /// Blocks summarised apart (on other threads) and merged in order give exactly what adding them in order gives.
    /// </summary>
    public static bool TrySummarise(ReadOnlySpan<double> values, out double blockMean, out double blockSquares)
    {
        double sum = System.Numerics.Tensors.TensorPrimitives.Sum(values);
        if (!double.IsFinite(sum))
        {
            blockMean = blockSquares = double.NaN;
            return false;
        }

        blockMean = sum / values.Length;
        blockSquares = SquaredDeviations(values, blockMean);
        return true;
    }

    /// <summary>Merges a block's count, mean and sum of squared deviations (Chan, Golub &amp; LeVeque 1979).</summary>
    public void Merge(long n, double blockMean, double blockSquares)
    {
        long total = count + n;
        double delta = blockMean - mean;
        mean += delta * ((double)n / total);
        squaredDeviations += blockSquares + (delta * delta * ((double)count * n / total));
        count = total;
    }

    /// <summary>
    /// Merges the moments of <paramref name="block"/>, a summary that took only one block of values: for a block of
    /// finite values exactly what <see cref="Add(ReadOnlySpan{double})"/> of the block would do. A block with a value
    /// that is not finite makes the mean ±∞ or NaN either way, so its finite part merged at once changes nothing seen.
    /// </summary>
    public void Merge(in RunningMoments block)
    {
        if (block.count > 0)
        {
            Merge(block.count, block.mean, block.squaredDeviations);
        }

        nonFinite += block.nonFinite;
        nonFiniteCount += block.nonFiniteCount;
    }

    private void AddWithNonFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                Merge(1, v, 0);
            }
            else
            {
                nonFinite += v;
                nonFiniteCount++;
            }
        }
    }

    /// <summary>Σ (x - m)² in one vectorised pass.</summary>
    private static double SquaredDeviations(ReadOnlySpan<double> values, double m)
    {
        double total = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            var center = new Vector<double>(m);
            ref double start = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var d = Vector.LoadUnsafe(ref start, (nuint)i) - center;
                acc += d * d;
            }

            total = Vector.Sum(acc);
        }

        for (; i < values.Length; i++)
        {
            double d = values[i] - m;
            total += d * d;
        }

        return total;
    }
}
