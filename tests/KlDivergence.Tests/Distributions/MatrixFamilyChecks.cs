namespace KlDivergence.Tests.Distributions;

/// <summary>Seeded Monte Carlo checks for the matrix- and simplex-valued families, tolerances from standard errors.</summary>
internal static class MatrixFamilyChecks
{
    /// <summary>
    /// The sample mean within 5 standard errors √(σ²/n) of <paramref name="mean"/> (σ² the true variance) and the
    /// sample variance within 5 standard errors √((m₄ - σ⁴)/n) of <paramref name="variance"/> (m₄ the sample fourth
    /// central moment).
    /// </summary>
    public static void MomentsMatch(double[] draws, double mean, double variance, string what)
    {
        int n = draws.Length;
        double m = draws.Average();
        double v = draws.Sum(x => (x - m) * (x - m)) / (n - 1);
        double m4 = draws.Sum(x => Math.Pow(x - m, 4)) / n;
        Math.Abs(m - mean).Should().BeLessThan(5 * Math.Sqrt(variance / n), $"the sample mean of {what} ({m}) should be {mean}");
        Math.Abs(v - variance).Should().BeLessThan(5 * Math.Sqrt(Math.Max(m4 - (v * v), 0) / n), $"the sample variance of {what} ({v}) should be {variance}");
    }

    /// <summary>|mean(values) - expected| within 5 standard errors of the mean of <paramref name="values"/>.</summary>
    public static void AverageIs(double[] values, double expected, string what)
    {
        double m = values.Average();
        double se = Math.Sqrt(values.Sum(x => (x - m) * (x - m)) / (values.Length - 1.0) / values.Length);
        Math.Abs(m - expected).Should().BeLessThan(5 * se, $"{what}: {m} ± {se} should be {expected}");
    }
}
