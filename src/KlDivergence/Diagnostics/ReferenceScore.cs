namespace KlDivergence.Diagnostics;

/// <summary>
/// How well draws of a fitted posterior match reference draws (e.g. long NUTS runs), marginal by marginal, as
/// posteriordb's comparisons do: for each scalar parameter, z = |mean - reference mean| / reference sd,
/// r = sd / reference sd, and w = W₁(fitted marginal, reference marginal) / reference sd, the 1-Wasserstein distance
/// between the two empirical distributions. A fit holds when max z ≤ 0.1 and every r is in [0.8, 1.25].
/// </summary>
public sealed class ReferenceScore
{
    private ReferenceScore(double[] z, double[] r, double[] w)
    {
        Z = z;
        R = r;
        W = w;
    }

    /// <summary>z of each parameter.</summary>
    public IReadOnlyList<double> Z { get; }

    /// <summary>r of each parameter.</summary>
    public IReadOnlyList<double> R { get; }

    /// <summary>w of each parameter.</summary>
    public IReadOnlyList<double> W { get; }

    /// <summary>The largest z.</summary>
    public double MaxZ => Z.Max();

    /// <summary>The r farthest from 1 on the log scale (r = 0.5 and r = 2 are equally far).</summary>
    public double WorstR => R.MaxBy(r => Math.Abs(Math.Log(r)));

    /// <summary>The mean of w over parameters.</summary>
    public double MeanW => W.Average();

    /// <summary>True when max z ≤ 0.1 and every r is within [0.8, 1.25].</summary>
    public bool Holds => MaxZ <= 0.1 && R.All(r => r >= 0.8 && r <= 1.25);

    /// <summary>Scores fitted draws against reference draws, both row-major [S, p] with the parameters in the same order.</summary>
    /// <param name="fitted">The fitted draws, [S, p] (at least 2 rows).</param>
    /// <param name="reference">The reference draws, [T, p] (at least 2 rows).</param>
    /// <param name="parameterCount">p.</param>
    /// <exception cref="ArgumentException">A length is not a multiple of p, there are fewer than 2 draws, a value is not finite, or a reference sd is 0.</exception>
    public static ReferenceScore Compute(ReadOnlySpan<double> fitted, ReadOnlySpan<double> reference, int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parameterCount, 1);
        var fittedColumns = Columns(fitted, parameterCount, nameof(fitted));
        var referenceColumns = Columns(reference, parameterCount, nameof(reference));
        var z = new double[parameterCount];
        var r = new double[parameterCount];
        var w = new double[parameterCount];
        for (int j = 0; j < parameterCount; j++)
        {
            var (refMean, refSd) = MeanAndSd(referenceColumns[j]);
            if (!(refSd > 0))
            {
                throw new ArgumentException($"The reference draws of parameter {j} are all equal (sd 0): no scale to score against.", nameof(reference));
            }

            var (mean, sd) = MeanAndSd(fittedColumns[j]);
            z[j] = Math.Abs(mean - refMean) / refSd;
            r[j] = sd / refSd;
            w[j] = Wasserstein1(fittedColumns[j], referenceColumns[j]) / refSd;
        }

        return new ReferenceScore(z, r, w);
    }

    /// <summary>
    /// The 1-Wasserstein distance between the empirical distributions of two samples, ∫₀¹ |F⁻¹(u) - G⁻¹(u)| du with
    /// the empirical quantile functions (steps at u = i/n and j/m): exact for any sizes, and for equal sizes the mean
    /// absolute difference of the sorted samples.
    /// </summary>
    /// <exception cref="ArgumentException">A sample is empty or has a value that is not finite.</exception>
    public static double Wasserstein1(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var x = Sorted(a, nameof(a));
        var y = Sorted(b, nameof(b));
        int n = x.Length, m = y.Length;

        // Walk the merged breakpoints i/n and j/m; compare i·m with j·n in integers so equal breakpoints coincide exactly.
        double total = 0, u = 0;
        int i = 0, j = 0;
        while (i < n && j < m)
        {
            long nextA = (long)(i + 1) * m, nextB = (long)(j + 1) * n;
            double next = Math.Min(nextA, nextB) / ((double)n * m);
            total += (next - u) * Math.Abs(x[i] - y[j]);
            u = next;
            if (nextA <= nextB)
            {
                i++;
            }

            if (nextB <= nextA)
            {
                j++;
            }
        }

        return total;
    }

    private static double[] Sorted(ReadOnlySpan<double> values, string name)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("A Wasserstein distance needs non-empty samples.", name);
        }

        var s = values.ToArray();
        foreach (double v in s)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException($"Samples must be finite; got {v}.", name);
            }
        }

        Array.Sort(s);
        return s;
    }

    private static double[][] Columns(ReadOnlySpan<double> rows, int p, string name)
    {
        if (rows.Length % p != 0 || rows.Length / p < 2)
        {
            throw new ArgumentException($"Expected at least 2 rows of {p} values; got {rows.Length} values.", name);
        }

        int s = rows.Length / p;
        var columns = new double[p][];
        for (int j = 0; j < p; j++)
        {
            columns[j] = new double[s];
            for (int i = 0; i < s; i++)
            {
                double v = rows[(i * p) + j];
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException($"Draw {i} of parameter {j} is {v}; draws must be finite.", name);
                }

                columns[j][i] = v;
            }
        }

        return columns;
    }

    private static (double Mean, double Sd) MeanAndSd(double[] v)
    {
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)));
    }
}
