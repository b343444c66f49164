using KlDivergence.Tensors;

namespace KlDivergence.Random;

/// <summary>
/// Poisson and binomial log-probabilities that keep full precision at counts and rates up to 2⁵³, where
/// k log λ − λ − log Γ(k + 1) loses every digit to cancellation (each term is ~10¹⁶ at λ = 10¹⁵). The form is
/// Loader's saddle-point expansion ("Fast and Accurate Computation of Binomial Probabilities", 2000): the
/// Stirling-series error of log k! and the deviance x log(x/M) + M − x, each computed without cancellation.
/// Used by the rejection samplers' acceptance tests.
/// </summary>
internal static class SaddlePointPmf
{
    /// <summary>log √(2π).</summary>
    private const double LogSqrtTwoPi = 0.91893853320467274178032973640561764;

    /// <summary>
    /// The count (n, or the larger of k and λ) from which the families' log-probabilities take this form's value:
    /// below it the lgamma sum's terms are under about 7000, so its rounding stays near 1e-12 of the result, and the sum
    /// is several times cheaper per element.
    /// </summary>
    public const double UsedFrom = 1000;

    /// <summary>δ(n) = log n! − [(n + ½) log n − n + log √(2π)], Stirling's error (Loader 2000, eq. 4 and its series).</summary>
    public static double StirlingError(double n)
    {
        if (n <= 15)
        {
            // Small whole n: the direct difference loses at most ~1e-14 (its terms are below 42).
            return GammaFunctions.LogGamma(n + 1) - ((n + 0.5) * Math.Log(n)) + n - LogSqrtTwoPi;
        }

        // The asymptotic series 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷) + 1/(1188n⁹), truncated where the next
        // term is below double precision (Loader's cut points).
        const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
        double nn = n * n;
        if (n > 500)
        {
            return (s0 - (s1 / nn)) / n;
        }

        if (n > 80)
        {
            return (s0 - ((s1 - (s2 / nn)) / nn)) / n;
        }

        if (n > 35)
        {
            return (s0 - ((s1 - ((s2 - (s3 / nn)) / nn)) / nn)) / n;
        }

        return (s0 - ((s1 - ((s2 - ((s3 - (s4 / nn)) / nn)) / nn)) / nn)) / n;
    }

    /// <summary>
    /// The deviance D(x, M) = x log(x/M) + M − x ≥ 0 (Loader 2000, "bd0"): near x = M by the series
    /// (x − M)v + 2x Σⱼ v^(2j+1)/(2j + 1), v = (x − M)/(x + M), which has no cancellation.
    /// </summary>
    public static double Deviance(double x, double mean) => Deviance(x, mean, x - mean);

    /// <summary>D(x, M) given x − M separately, for callers that know it more exactly than the rounded M does.</summary>
    private static double Deviance(double x, double mean, double diff)
    {
        if (x == 0)
        {
            return mean;
        }

        if (Math.Abs(diff) < 0.1 * (x + mean))
        {
            double v = diff / (x + mean);
            double sum = diff * v, term = 2 * x * v, v2 = v * v;
            for (int j = 1; j < 1000; j++)
            {
                term *= v2;
                double next = sum + (term / ((2 * j) + 1));
                if (next == sum)
                {
                    return sum;
                }

                sum = next;
            }

            return sum;
        }

        return (x * Math.Log(x / mean)) + mean - x;
    }

    /// <summary>log P(k) for Poisson(λ), whole k ≥ 0: −δ(k) − D(k, λ) − ½ log(2πk).</summary>
    public static double LogPoisson(double k, double rate) =>
        k == 0 ? -rate : -StirlingError(k) - Deviance(k, rate) - (0.5 * Math.Log(k)) - LogSqrtTwoPi;

    /// <summary>
    /// log P(k) for Binomial(n, p), whole 0 ≤ k ≤ n, p ≤ ½ (callers reflect larger p, so log q = log1p(−p) is
    /// exact where 1 − p is not): δ(n) − δ(k) − δ(n − k) − D(k, np) − D(n − k, nq) + ½ log(n / (2π k (n − k))).
    /// </summary>
    public static double LogBinomial(double k, double n, double p)
    {
        if (k == 0)
        {
            return n * ScalarMath.Log1p(-p);
        }

        if (k == n)
        {
            return n * Math.Log(p);
        }

        // np rounds by up to half an ulp (0.03 at 3e14), which would move log P by (k − np)/(npq) times that; the
        // FMA residual restores k − np exactly enough, and (n − k) − nq is its negative.
        double rest = n - k, np = n * p;
        double diff = k - np - Math.FusedMultiplyAdd(n, p, -np);
        return StirlingError(n) - StirlingError(k) - StirlingError(rest) - Deviance(k, np, diff) - Deviance(rest, n - np, -diff)
            + (0.5 * (Math.Log(n) - Math.Log(k) - Math.Log(rest))) - LogSqrtTwoPi;
    }
}
