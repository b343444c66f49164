using KlDivergence.Tensors;

namespace KlDivergence.Diagnostics;

/// <summary>
/// Pareto smoothed importance sampling (PSIS) and its Pareto k-hat diagnostic, after Vehtari, Simpson, Gelman, Yao
/// &amp; Gabry, "Pareto smoothed importance sampling", JMLR 25(72), 2024. A generalized Pareto distribution is fitted
/// to the largest M = ⌈min(S/5, 3√S)⌉ of S values (their exceedances over the next largest value) by Zhang &amp;
/// Stephens's empirical-Bayes estimator (Technometrics 51(3), 2009), with PSIS's weakly informative prior that shrinks
/// the shape toward 0.5 as if by ten more observations. The fitted shape k-hat is the tail index of the values:
/// below 0.5 their variance is finite; above <see cref="ReliabilityThreshold"/> a Monte Carlo mean of them (or an
/// importance-sampling estimate with them as ratios) cannot be trusted at any practical sample size.
/// </summary>
public static class ParetoSmoothing
{
    /// <summary>
    /// The k-hat above which an estimate is unreliable: 0.7, PSIS's threshold for sample sizes above about 2 000 (the
    /// paper's sample-size-dependent bound min(1 - 1/log₁₀ S, 0.7) is lower only for smaller samples).
    /// </summary>
    public const double ReliabilityThreshold = 0.7;

    /// <summary>The fewest tail values a fit is made from (M ≥ 5 needs S ≥ 21 values); with fewer, k-hat is +∞.</summary>
    public const int MinimumTailLength = 5;

    /// <summary>The tail length M = ⌈min(S/5, 3√S)⌉ for <paramref name="sampleCount"/> values S.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleCount"/> is negative.</exception>
    public static int TailLength(int sampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        return (int)Math.Ceiling(Math.Min(0.2 * sampleCount, 3 * Math.Sqrt(sampleCount)));
    }

    /// <summary>
    /// Fits a generalized Pareto distribution to exceedances over a threshold by Zhang &amp; Stephens's (2009)
    /// empirical-Bayes estimator, with PSIS's prior adjustment of the shape: k ← (n·k + 10·0.5)/(n + 10).
    /// </summary>
    /// <param name="exceedances">Values above the threshold minus the threshold: positive and finite, any order.</param>
    /// <exception cref="ArgumentException">A value is not positive and finite, or there are none.</exception>
    public static GeneralizedParetoFit FitGeneralizedPareto(ReadOnlySpan<double> exceedances)
    {
        if (exceedances.IsEmpty)
        {
            throw new ArgumentException("A generalized Pareto fit needs at least one exceedance.", nameof(exceedances));
        }

        foreach (double x in exceedances)
        {
            if (!(x > 0) || double.IsPositiveInfinity(x))
            {
                throw new ArgumentException($"Exceedances over the threshold must be positive and finite; got {x}.", nameof(exceedances));
            }
        }

        var sorted = exceedances.ToArray();
        Array.Sort(sorted);
        return FitSorted(sorted);
    }

    /// <summary>
    /// The Pareto k-hat of the right (upper) tail of <paramref name="values"/>: the fitted shape of the largest
    /// <see cref="TailLength"/>(S) values' exceedances over the next largest. +∞ when there are too few values
    /// (S ≤ 20) or a value is +∞; -∞ when the largest values are all equal (no tail at all).
    /// </summary>
    /// <exception cref="ArgumentException">A value is NaN.</exception>
    public static double ParetoK(ReadOnlySpan<double> values)
    {
        RequireNotNaN(values);
        return UpperTailShape(values);
    }

    /// <summary>
    /// The Pareto k-hat of |xᵢ - median(x)|: both tails of <paramref name="values"/> at once, whose tail index is
    /// that of the heavier tail. This is the index that governs a plain Monte Carlo mean of the values (above 0.5
    /// their variance is infinite). +∞ when there are too few values (S ≤ 20) or a value is infinite; -∞ when the
    /// largest deviations are all equal.
    /// </summary>
    /// <exception cref="ArgumentException">A value is NaN.</exception>
    public static double AbsoluteDeviationParetoK(ReadOnlySpan<double> values)
    {
        RequireNotNaN(values);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        if (n == 0)
        {
            return double.PositiveInfinity;
        }

        double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
        var deviations = new double[n];
        for (int i = 0; i < n; i++)
        {
            deviations[i] = Math.Abs(sorted[i] - median);
        }

        return UpperTailShape(deviations);
    }

    /// <summary>
    /// Pareto smoothed importance sampling (Vehtari et al. 2024): the largest M importance ratios are replaced by the
    /// expected order statistics of the generalized Pareto distribution fitted to them, û + F⁻¹((z - ½)/M) for
    /// z = 1..M, truncated at the largest raw ratio; the other ratios are unchanged. Works on log ratios (shifted
    /// by their maximum, so no ratio overflows) and returns smoothed log ratios in the same order, unnormalised.
    /// With 20 ratios or fewer nothing is smoothed and k-hat is +∞; when the largest M ratios are equal nothing
    /// needs smoothing and k-hat is -∞.
    /// </summary>
    /// <param name="logRatios">log(p(xᵢ)/q(xᵢ)) for draws xᵢ of the proposal q, unnormalised; -∞ (a zero ratio) is allowed.</param>
    /// <exception cref="ArgumentException">A log ratio is NaN or +∞, all are -∞, or there are fewer than two.</exception>
    public static ParetoSmoothedWeights Smooth(ReadOnlySpan<double> logRatios)
    {
        if (logRatios.Length < 2)
        {
            throw new ArgumentException($"Smoothing needs at least two log ratios; got {logRatios.Length}.", nameof(logRatios));
        }

        double max = double.NegativeInfinity;
        foreach (double v in logRatios)
        {
            if (double.IsNaN(v) || double.IsPositiveInfinity(v))
            {
                throw new ArgumentException($"Log importance ratios must be finite or -∞; got {v}.", nameof(logRatios));
            }

            max = Math.Max(max, v);
        }

        if (double.IsNegativeInfinity(max))
        {
            throw new ArgumentException("All log importance ratios are -∞: every weight is zero.", nameof(logRatios));
        }

        int s = logRatios.Length;
        int m = TailLength(s);
        var smoothed = logRatios.ToArray();
        if (m < MinimumTailLength)
        {
            return new ParetoSmoothedWeights(smoothed, double.PositiveInfinity, m);
        }

        var order = new int[s];
        for (int i = 0; i < s; i++)
        {
            order[i] = i;
        }

        var keys = logRatios.ToArray();
        Array.Sort(keys, order);

        // Ratios relative to the largest (which becomes 1): the tail's exceedances over û, the (M+1)-th largest.
        double threshold = Math.Exp(keys[s - m - 1] - max);
        var exceedances = new List<double>(m);
        for (int z = 0; z < m; z++)
        {
            double x = Math.Exp(keys[s - m + z] - max) - threshold;
            if (x > 0)
            {
                exceedances.Add(x);
            }
        }

        if (exceedances.Count == 0)
        {
            return new ParetoSmoothedWeights(smoothed, double.NegativeInfinity, m);
        }

        // Only the exceedances (the last e of the sorted tail) take the fitted quantiles: a tail entry tied with the
        // threshold, or at -∞ (a draw outside p's support), is not one and keeps its value, so it never gains weight.
        var fit = FitSorted(exceedances.ToArray());
        int e = exceedances.Count;
        for (int z = 0; z < e; z++)
        {
            double ratio = Math.Min(threshold + fit.Quantile((z + 0.5) / e), 1.0);
            smoothed[order[s - e + z]] = Math.Log(ratio) + max;
        }

        return new ParetoSmoothedWeights(smoothed, fit.Shape, m);
    }

    /// <summary>
    /// k-hat from the largest M + 1 values of a sample in ascending order: the first is the threshold, the rest the
    /// tail. Values tied with the threshold are not exceedances (a generalized Pareto tail is X - û given X &gt; û).
    /// </summary>
    internal static double ShapeFromLargest(ReadOnlySpan<double> largestAscending)
    {
        if (largestAscending.Length - 1 < MinimumTailLength || double.IsPositiveInfinity(largestAscending[^1]))
        {
            return double.PositiveInfinity;
        }

        double threshold = largestAscending[0];
        if (double.IsNegativeInfinity(threshold))
        {
            // Fewer than M + 1 finite values: no tail to fit, and nothing to vouch for.
            return double.PositiveInfinity;
        }

        var exceedances = new List<double>(largestAscending.Length - 1);
        foreach (double v in largestAscending[1..])
        {
            if (v > threshold)
            {
                exceedances.Add(v - threshold);
            }
        }

        return exceedances.Count == 0 ? double.NegativeInfinity : FitSorted(exceedances.ToArray()).Shape;
    }

    /// <summary>
    /// k-hat of |x - c| from the M + 1 largest values (ascending) and the M + 1 smallest values, negated (ascending),
    /// of a sample of more than 2M + 2 values, for a centre c between the two groups' thresholds. The M + 1 largest
    /// deviations are all among these 2M + 2 values: a value above c that is not among the largest has at least
    /// M + 1 larger deviations (and likewise below), so no other value can be in the top M + 1.
    /// </summary>
    internal static double DeviationShapeFromExtremes(double[] largestAscending, double[] smallestNegatedAscending, double centre)
    {
        int count = largestAscending.Length;
        if (count - 1 < MinimumTailLength || smallestNegatedAscending.Length != count)
        {
            return double.PositiveInfinity;
        }

        double upperThreshold = largestAscending[0], lowerThreshold = -smallestNegatedAscending[0];
        double c = double.IsNaN(centre) ? 0.5 * (upperThreshold + lowerThreshold) : Math.Clamp(centre, lowerThreshold, upperThreshold);
        if (double.IsNaN(c))
        {
            return double.PositiveInfinity;
        }

        if (!double.IsFinite(c))
        {
            var all = new double[2 * count];
            for (int i = 0; i < count; i++)
            {
                all[i] = largestAscending[i] - c;
                all[count + i] = smallestNegatedAscending[i] + c;
            }

            Array.Sort(all);
            return ShapeFromLargest(all.AsSpan(count));
        }

        // Both groups' deviations are ascending already: the largest count of them by merging from the top, with
        // no sort (the same values in the same order as sorting all 2·count would give).
        var deviations = new double[count];
        int upper = count - 1, lower = count - 1;
        for (int i = count - 1; i >= 0; i--)
        {
            double a = largestAscending[upper] - c, b = smallestNegatedAscending[lower] + c;
            if (a >= b)
            {
                deviations[i] = a;
                upper--;
            }
            else
            {
                deviations[i] = b;
                lower--;
            }
        }

        return ShapeFromLargest(deviations);
    }

    private static void RequireNotNaN(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                throw new ArgumentException("A Pareto k-hat needs values that are not NaN.", nameof(values));
            }
        }
    }

    private static double UpperTailShape(ReadOnlySpan<double> values)
    {
        int m = TailLength(values.Length);
        if (m < MinimumTailLength)
        {
            return double.PositiveInfinity;
        }

        var largest = new LargestValues(m + 1);
        largest.Offer(values);
        return ShapeFromLargest(largest.ToSortedArray());
    }

    /// <summary>
    /// Zhang &amp; Stephens (2009), section 4, for exceedances x₁ ≤ … ≤ xₙ (positive, finite). With θ = -k/σ the
    /// likelihood maximised over k for fixed θ gives k(θ) = mean log(1 - θxᵢ) and the profile log-likelihood
    /// ℓ(θ) = n·[log(-θ/k(θ)) - k(θ) - 1]. θ's posterior mean is taken over the m = 20 + ⌊√n⌋ quantiles
    /// θⱼ = 1/xₙ + (1 - √(m/(j - ½)))/(3x*) of their prior (x* the first quartile of the sample), weighted by
    /// e^ℓ(θⱼ); then k = mean log(1 - θ̂xᵢ), σ = -k/θ̂, and PSIS's prior moves k toward 0.5.
    /// </summary>
    private static GeneralizedParetoFit FitSorted(double[] x)
    {
        int n = x.Length;
        int m = 20 + (int)Math.Sqrt(n);
        double largest = x[n - 1];
        double quartile = x[Math.Max(0, (int)Math.Floor((n / 4.0) + 0.5) - 1)];
        var theta = new double[m];
        var logLikelihood = new double[m];
        double best = double.NegativeInfinity;
        for (int j = 0; j < m; j++)
        {
            theta[j] = (1 / largest) + ((1 - Math.Sqrt(m / (j + 0.5))) / (3 * quartile));
            logLikelihood[j] = ProfileLogLikelihood(theta[j], x);
            best = Math.Max(best, logLikelihood[j]);
        }

        double weightSum = 0, thetaHat = 0;
        for (int j = 0; j < m; j++)
        {
            double w = double.IsNaN(logLikelihood[j]) ? 0 : Math.Exp(logLikelihood[j] - best);
            weightSum += w;
            thetaHat += w * theta[j];
        }

        thetaHat /= weightSum;
        double k = MeanLog1p(-thetaHat, x);
        double sigma = thetaHat == 0 ? Mean(x) : -k / thetaHat;
        const double priorCount = 10, priorShape = 0.5;
        k = ((n * k) + (priorCount * priorShape)) / (n + priorCount);
        return new GeneralizedParetoFit(k, sigma, n);
    }

    /// <summary>
    /// ℓ(θ) for one grid point. k(θ) here uses the vectorised log of 1 - θx (relative error about ε/|θx|, far below
    /// what moves the grid weights); the reported k uses the exact <see cref="MeanLog1p"/>.
    /// </summary>
    private static double ProfileLogLikelihood(double theta, double[] x)
    {
        // One fused pass, four logarithms at a time: a tail holds about a hundred values and the grid some thirty
        // points, where four library calls per point cost more in overhead than the logarithms themselves.
        var sum4 = System.Runtime.Intrinsics.Vector256<double>.Zero;
        var minusTheta = System.Runtime.Intrinsics.Vector256.Create(-theta);
        var one = System.Runtime.Intrinsics.Vector256<double>.One;
        int i = 0;
        for (; i <= x.Length - 4; i += 4)
        {
            var v = System.Runtime.Intrinsics.Vector256.Create(x.AsSpan(i, 4));
            sum4 += System.Runtime.Intrinsics.Vector256.Log(one + (minusTheta * v));
        }

        double sum = System.Runtime.Intrinsics.Vector256.Sum(sum4);
        for (; i < x.Length; i++)
        {
            sum += Math.Log(1 + (-theta * x[i]));
        }

        double k = sum / x.Length;

        // At θ = 0 (or θ so small that 1 - θx rounds to 1) the fit is the exponential: -θ/k(θ) → 1/mean(x), k → 0.
        return theta == 0 || k == 0
            ? x.Length * (-Math.Log(Mean(x)) - 1)
            : x.Length * (Math.Log(-theta / k) - k - 1);
    }

    /// <summary>mean log(1 + a·xᵢ).</summary>
    private static double MeanLog1p(double a, double[] x)
    {
        double sum = 0;
        foreach (double v in x)
        {
            sum += ScalarMath.Log1p(a * v);
        }

        return sum / x.Length;
    }

    private static double Mean(double[] x)
    {
        double sum = 0;
        foreach (double v in x)
        {
            sum += v;
        }

        return sum / x.Length;
    }
}
