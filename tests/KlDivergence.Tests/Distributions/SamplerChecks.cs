using MathNet.Numerics.Distributions;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Statistical checks of seeded draws against exact references: moments within 5 standard errors computed from
/// the exact variance and fourth central moment, and a chi-square goodness-of-fit against an independent pmf.
/// </summary>
internal static class SamplerChecks
{
    /// <summary>
    /// The sample mean within 5·√(σ²/n) of the exact mean and the sample variance within 5·√((μ₄ − σ⁴)/n) of the
    /// exact variance. Draws are centred on the exact mean before summing, so counts near 10¹⁵ lose no precision.
    /// </summary>
    public static void MomentsMatch(double[] draws, double mean, double variance, double fourthCentral, string what)
    {
        int n = draws.Length;
        double s = 0;
        foreach (double x in draws)
        {
            s += x - mean;
        }

        double shift = s / n, ss = 0;
        foreach (double x in draws)
        {
            double d = x - mean - shift;
            ss += d * d;
        }

        double sampleVariance = ss / (n - 1);
        Math.Abs(shift).Should().BeLessThanOrEqualTo(5 * Math.Sqrt(variance / n), $"{what}: sample mean {mean + shift} vs exact {mean}");
        Math.Abs(sampleVariance - variance).Should().BeLessThanOrEqualTo(
            5 * Math.Sqrt((fourthCentral - (variance * variance)) / n), $"{what}: sample variance {sampleVariance} vs exact {variance}");
    }

    /// <summary>
    /// Pearson's chi-square of the draws' counts against n·pmf(k), cells with expectation below 5 pooled into
    /// their neighbours (both tails included), compared with the chi-square quantile at 1 − 10⁻⁶.
    /// </summary>
    public static void ChiSquareMatchesPmf(double[] draws, Func<int, double> pmf, int maxCount, string what)
    {
        int n = draws.Length;
        var observed = new double[maxCount + 2];
        foreach (double x in draws)
        {
            x.Should().Be(Math.Floor(x), $"{what}: draws are whole numbers");
            observed[(int)Math.Min(x, maxCount + 1)]++;
        }

        var expected = new double[maxCount + 2];
        double below = 0;
        for (int k = 0; k <= maxCount; k++)
        {
            expected[k] = n * pmf(k);
            below += expected[k];
        }

        expected[maxCount + 1] = Math.Max(n - below, 0);

        // Pool runs of cells until each pooled cell expects at least 5; a short leftover tail joins the last cell.
        var pooledObserved = new List<double>();
        var pooledExpected = new List<double>();
        double o = 0, e = 0;
        for (int k = 0; k < expected.Length; k++)
        {
            o += observed[k];
            e += expected[k];
            if (e >= 5)
            {
                pooledObserved.Add(o);
                pooledExpected.Add(e);
                o = 0;
                e = 0;
            }
        }

        pooledObserved[^1] += o;
        pooledExpected[^1] += e;
        double stat = 0;
        for (int c = 0; c < pooledObserved.Count; c++)
        {
            double d = pooledObserved[c] - pooledExpected[c];
            stat += d * d / pooledExpected[c];
        }

        int cells = pooledObserved.Count;
        cells.Should().BeGreaterThan(2, $"{what}: enough cells for the test");
        double limit = ChiSquared.InvCDF(cells - 1, 1 - 1e-6);
        stat.Should().BeLessThan(limit, $"{what}: chi-square over {cells} cells");
    }

    /// <summary>
    /// Mean, variance and fourth central moment of Beta(a, b) from the raw moments E[Xᵏ] = Πᵢ₌₀ᵏ⁻¹ (a + i)/(a + b + i)
    /// (Johnson, Kotz &amp; Balakrishnan, Continuous Univariate Distributions vol. 2, eq. 25.14).
    /// </summary>
    public static (double Mean, double Variance, double FourthCentral) BetaMoments(double a, double b)
    {
        double m1 = a / (a + b);
        double m2 = m1 * (a + 1) / (a + b + 1);
        double m3 = m2 * (a + 2) / (a + b + 2);
        double m4 = m3 * (a + 3) / (a + b + 3);
        double variance = m2 - (m1 * m1);
        double fourth = m4 - (4 * m1 * m3) + (6 * m1 * m1 * m2) - (3 * m1 * m1 * m1 * m1);
        return (m1, variance, fourth);
    }

    /// <summary>A fraction of n trials within 5 standard errors √(π(1 − π)/n) of the probability π.</summary>
    public static void FractionMatches(int hits, int n, double probability, string what) =>
        Math.Abs(((double)hits / n) - probability).Should().BeLessThanOrEqualTo(
            5 * Math.Sqrt(probability * (1 - probability) / n), $"{what}: {hits} of {n} vs probability {probability}");
}
