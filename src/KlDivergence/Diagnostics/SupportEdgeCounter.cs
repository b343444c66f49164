using System.Numerics;
using System.Runtime.Intrinsics;

namespace KlDivergence.Diagnostics;

/// <summary>
/// Counts values that lie on the nearest representable value inside a finite bound of a support (the successor of
/// the lower bound, the predecessor of the upper): where a sampler clamps a draw that underflowed (a Gamma draw
/// below <see cref="double.Epsilon"/> becomes ε, the successor of 0). A continuous draw lands there by chance with
/// probability of order the mass of one ulp, so seeing one means the draws are no longer draws of the distribution.
/// </summary>
internal sealed class SupportEdgeCounter
{
    private readonly double[] lowerEdges;
    private readonly double[] upperEdges;

    /// <summary>
    /// A counter for values laid out [..., L] against bounds of length L (L = 1: one bound for every value).
    /// Infinite or NaN bounds have no edge.
    /// </summary>
    public SupportEdgeCounter(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        if (lower.Length != upper.Length || lower.IsEmpty)
        {
            throw new ArgumentException($"Bounds of lengths {lower.Length} and {upper.Length}: both must have the same positive length.", nameof(upper));
        }

        lowerEdges = new double[lower.Length];
        upperEdges = new double[upper.Length];
        for (int i = 0; i < lower.Length; i++)
        {
            lowerEdges[i] = double.IsFinite(lower[i]) ? Math.BitIncrement(lower[i]) : double.NaN;
            upperEdges[i] = double.IsFinite(upper[i]) ? Math.BitDecrement(upper[i]) : double.NaN;
        }
    }

    /// <summary>A counter that finds nothing (for layouts the bounds cannot be matched to).</summary>
    public static SupportEdgeCounter None { get; } = new([double.NaN], [double.NaN]);

    /// <summary>How many of <paramref name="values"/> (whose length is a multiple of the bounds' length) lie on an edge.</summary>
    public long Count(ReadOnlySpan<double> values)
    {
        int width = lowerEdges.Length;
        long found = 0;
        if (width == 1)
        {
            double low = lowerEdges[0], high = upperEdges[0];
            if (double.IsNaN(low) && double.IsNaN(high))
            {
                return 0;
            }

            return CountEqual(values, low, high);
        }

        for (int i = 0; i < values.Length; i++)
        {
            int b = i % width;
            if (values[i] == lowerEdges[b] || values[i] == upperEdges[b])
            {
                found++;
            }
        }

        return found;
    }

    /// <summary>The number of values equal to <paramref name="low"/> or <paramref name="high"/>, four at a time.</summary>
    private static long CountEqual(ReadOnlySpan<double> values, double low, double high)
    {
        long found = 0;
        int i = 0;
        var lows = Vector256.Create(low);
        var highs = Vector256.Create(high);
        for (; i <= values.Length - 4; i += 4)
        {
            var v = Vector256.Create(values.Slice(i, 4));
            uint hits = (Vector256.Equals(v, lows) | Vector256.Equals(v, highs)).ExtractMostSignificantBits();
            found += BitOperations.PopCount(hits);
        }

        for (; i < values.Length; i++)
        {
            if (values[i] == low || values[i] == high)
            {
                found++;
            }
        }

        return found;
    }
}
