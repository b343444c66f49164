using KlDivergence.Diagnostics;
using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// Monte Carlo KL(p ‖ q) for a mixture p = Σₖ wₖ pₖ, stratified over p's components with proportional allocation
/// (see <see cref="MixtureKl.StratifiedMonteCarlo"/>).
/// </summary>
internal static class StratifiedMixtureMonteCarlo
{
    private const int ChunkSize = 4096;

    public static KlResult Estimate(MixtureSameFamily p, Distribution q, int sampleCount, RandomStream random)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 2);
        if (p.BatchShapeArray.Length != 0 || q.BatchShapeArray.Length != 0)
        {
            throw new ArgumentException(
                $"{nameof(MixtureKl.StratifiedMonteCarlo)} needs unbatched distributions; got batch shapes {Shapes.Format(p.BatchShapeArray)} and {Shapes.Format(q.BatchShapeArray)}.",
                p.BatchShapeArray.Length != 0 ? nameof(p) : nameof(q));
        }

        if (!Shapes.Equal(p.EventShapeArray, q.EventShapeArray))
        {
            throw new ArgumentException(
                $"KL needs distributions over the same events: {p.FamilyName} has event shape {Shapes.Format(p.EventShapeArray)}, {q.FamilyName} has {Shapes.Format(q.EventShapeArray)}.",
                nameof(q));
        }

        using var scope = Tensor.NoGrad();
        double[] weights = p.MixtureDistribution.Probs.ToArray();
        int[] counts = Allocate(weights, sampleCount);
        int components = weights.Length;
        int maxCount = counts.Max();
        int eventSize = Shapes.Size(p.EventShapeArray);

        // One batched draw of max nₖ samples of every component; stratum k uses column k's first nₖ rows.
        var all = p.Components.Sample(maxCount, random).Data;
        int total = counts.Sum();
        var points = new double[total * eventSize];
        var stratum = new int[total];
        int row = 0;
        for (int k = 0; k < components; k++)
        {
            for (int i = 0; i < counts[k]; i++)
            {
                Array.Copy(all, ((i * components) + k) * eventSize, points, row * eventSize, eventSize);
                stratum[row++] = k;
            }
        }

        var moments = new RunningMoments[components];
        var infinite = new bool[components];
        for (int start = 0; start < total; start += ChunkSize)
        {
            int m = Math.Min(ChunkSize, total - start);
            var x = Tensor.FromArray(points.AsSpan(start * eventSize, m * eventSize), [m, .. p.EventShapeArray]);
            var logP = p.LogProb(x).Data;
            var logQ = q.LogProb(x).Data;
            for (int i = 0; i < m; i++)
            {
                int k = stratum[start + i];
                double v = logP[i] - logQ[i];
                if (double.IsNaN(v) && double.IsNegativeInfinity(logP[i]))
                {
                    v = 0; // a draw where p has no density: it contributes nothing (cannot occur for a proper sampler).
                }

                if (double.IsPositiveInfinity(v))
                {
                    infinite[k] = true;
                    continue;
                }

                moments[k].Add(v);
            }
        }

        double value = 0, variance = 0;
        for (int k = 0; k < components; k++)
        {
            if (counts[k] == 0)
            {
                continue;
            }

            if (infinite[k])
            {
                return new KlResult(double.PositiveInfinity, KlMethod.MonteCarlo, 0.0, total);
            }

            double se = moments[k].StandardError;
            value += weights[k] * moments[k].Mean;
            variance += weights[k] * weights[k] * se * se;
        }

        return new KlResult(value, KlMethod.MonteCarlo, Math.Sqrt(variance), total);
    }

    /// <summary>
    /// nₖ = the largest-remainder rounding of n wₖ over the components of positive weight, then raised to at least 2;
    /// components of weight zero get 0.
    /// </summary>
    internal static int[] Allocate(double[] weights, int sampleCount)
    {
        var counts = new int[weights.Length];
        var remainders = new List<(double Remainder, int Index)>();
        int assigned = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            double exact = weights[k] * sampleCount;
            counts[k] = (int)Math.Floor(exact);
            assigned += counts[k];
            if (weights[k] > 0)
            {
                remainders.Add((exact - counts[k], k));
            }
        }

        foreach (var (_, index) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index).Take(Math.Max(sampleCount - assigned, 0)))
        {
            counts[index]++;
        }

        foreach (var (_, index) in remainders)
        {
            counts[index] = Math.Max(counts[index], 2);
        }

        return counts;
    }
}
