using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// KL(P ‖ Q) estimated from samples alone, with no densities: the k-nearest-neighbour estimator of Wang, Kulkarni
/// &amp; Verdú (2009), "Divergence estimation for multidimensional densities via k-nearest-neighbor distances",
/// IEEE Trans. Information Theory 55(5), eq. (5) (the case k = 1 is also Pérez-Cruz 2008, "Kullback-Leibler
/// divergence estimation of continuous distributions", ISIT 2008).
/// </summary>
public static class SampleKl
{
    /// <summary>
    /// The k-NN estimate from n samples x₁, …, xₙ of P and m samples y₁, …, y_m of Q in ℝᵈ (rows are points):
    /// D̂ = (d/n) Σᵢ log(νₖ(i) / ρₖ(i)) + log(m / (n - 1)),
    /// where ρₖ(i) is the Euclidean distance from xᵢ to its k-th nearest neighbour among the other xⱼ and νₖ(i) the
    /// distance to its k-th nearest neighbour among the yⱼ. It is consistent (asymptotically unbiased and mean-square
    /// consistent) as n, m → ∞ for fixed k under the paper's regularity conditions; at finite n it has a bias that grows
    /// with d.
    /// </summary>
    /// <remarks>
    /// <para>Neighbours are found exactly with a k-d tree (expected O((n + m) log(n + m)) for small d), the queries run in
    /// parallel; the result does not depend on the scheduling.</para>
    /// <para>Duplicates: only positive distances count. A point's copies (in P or in Q) at distance exactly 0 are
    /// skipped, so ρₖ(i) and νₖ(i) are the k-th smallest positive distances. For continuous P and Q ties have
    /// probability zero and this changes nothing; for data with repeated values it keeps every term finite (no NaN or
    /// ±∞). If some point has fewer than k neighbours at a positive distance, an <see cref="ArgumentException"/> is thrown.</para>
    /// <para>The result has <see cref="KlMethod.NearestNeighbor"/>, <see cref="KlResult.SampleCount"/> = n and a standard
    /// error of NaN: the terms are dependent through the shared samples and the finite-sample bias is not estimated, so
    /// no honest standard error is available in closed form.</para>
    /// </remarks>
    /// <param name="samplesP">n × d samples of P (n ≥ k + 1), finite.</param>
    /// <param name="samplesQ">m × d samples of Q (m ≥ k), finite, with the same d.</param>
    /// <param name="k">The neighbour order (≥ 1); 1 by default. Larger k lowers the variance and raises the bias.</param>
    /// <exception cref="ArgumentException">The dimensions differ, a sample is not finite, or a point has fewer than k neighbours at a positive distance.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or too few samples for k.</exception>
    public static KlResult Estimate(double[,] samplesP, double[,] samplesQ, int k = 1)
    {
        ArgumentNullException.ThrowIfNull(samplesP);
        ArgumentNullException.ThrowIfNull(samplesQ);
        int d = samplesP.GetLength(1);
        if (d < 1 || samplesQ.GetLength(1) != d)
        {
            throw new ArgumentException(
                $"{nameof(SampleKl)}: both sample sets need the same positive number of columns, got {d} and {samplesQ.GetLength(1)}.", nameof(samplesQ));
        }

        return EstimateFlat(Flatten(samplesP, nameof(samplesP)), samplesP.GetLength(0), Flatten(samplesQ, nameof(samplesQ)), samplesQ.GetLength(0), d, k);
    }

    /// <summary>The k-NN estimate for univariate samples (d = 1); see <see cref="Estimate(double[,], double[,], int)"/>.</summary>
    /// <param name="samplesP">n samples of P (n ≥ k + 1), finite.</param>
    /// <param name="samplesQ">m samples of Q (m ≥ k), finite.</param>
    /// <param name="k">The neighbour order (≥ 1); 1 by default.</param>
    /// <exception cref="ArgumentException">A sample is not finite, or a point has fewer than k neighbours at a positive distance.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or too few samples for k.</exception>
    public static KlResult Estimate(double[] samplesP, double[] samplesQ, int k = 1)
    {
        ArgumentNullException.ThrowIfNull(samplesP);
        ArgumentNullException.ThrowIfNull(samplesQ);
        CheckFinite(samplesP, nameof(samplesP));
        CheckFinite(samplesQ, nameof(samplesQ));
        return EstimateFlat((double[])samplesP.Clone(), samplesP.Length, (double[])samplesQ.Clone(), samplesQ.Length, 1, k);
    }

    private static KlResult EstimateFlat(double[] p, int n, double[] q, int m, int d, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (n < k + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"{nameof(SampleKl)}: k = {k} needs at least {k + 1} samples of P, got {n}.");
        }

        if (m < k)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"{nameof(SampleKl)}: k = {k} needs at least {k} samples of Q, got {m}.");
        }

        var treeP = new KdTree(p, n, d);
        var treeQ = new KdTree(q, m, d);
        var logRatio = new double[n];
        Parallel.For(
            0,
            n,
            () => new double[k],
            (i, _, best) =>
            {
                var x = p.AsSpan(i * d, d);
                double rho2 = treeP.KthPositiveSquaredDistance(x, k, best);
                double nu2 = treeQ.KthPositiveSquaredDistance(x, k, best);
                logRatio[i] = 0.5 * (Math.Log(nu2) - Math.Log(rho2));
                return best;
            },
            _ => { });

        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            if (double.IsInfinity(logRatio[i]) || double.IsNaN(logRatio[i]))
            {
                throw new ArgumentException(
                    $"{nameof(SampleKl)}: sample {i} of P has fewer than k = {k} neighbours at a positive distance among the " +
                    (double.IsPositiveInfinity(logRatio[i]) ? "Q samples" : "other P samples") + " (too many repeated points).",
                    double.IsPositiveInfinity(logRatio[i]) ? "samplesQ" : "samplesP");
            }

            sum += logRatio[i];
        }

        double value = (d * sum / n) + Math.Log(m / (n - 1.0));
        return new KlResult(Tensor.Scalar(value), KlMethod.NearestNeighbor, Tensor.Scalar(double.NaN), n);
    }

    private static double[] Flatten(double[,] samples, string name)
    {
        int rows = samples.GetLength(0), columns = samples.GetLength(1);
        var flat = new double[rows * columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                flat[(i * columns) + j] = samples[i, j];
            }
        }

        CheckFinite(flat, name);
        return flat;
    }

    private static void CheckFinite(double[] values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"{nameof(SampleKl)}: {name} has a non-finite entry {values[i]:G} at flat index {i}.", name);
            }
        }
    }
}
