using KlDivergence.Distributions;
using KlDivergence.Divergences.Quadrature;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Checks every univariate family must pass, each against an independent reference: numerical integration
/// (or summation) of the density for normalisation, moments and entropy; seeded samples for the sampler;
/// finite differences for gradients.
/// </summary>
internal static class FamilyChecks
{
    private static double LogP(Distribution d, double x)
    {
        using var scope = Tensor.NoGrad();
        return d.LogProb(x).ToScalar();
    }

    private static double Lower(Distribution d) => d.Support.Lower.ToScalar();

    private static double Upper(Distribution d) => d.Support.Upper.ToScalar();

    /// <summary>∫ p(x) g(x) dx over the support (terms where p = 0 are 0).</summary>
    public static double Expect(Distribution d, Func<double, double> g, double[] breaks)
    {
        double F(double x)
        {
            double lp = LogP(d, x);
            return double.IsNegativeInfinity(lp) ? 0 : Math.Exp(lp) * g(x);
        }

        double lo = Lower(d), hi = Upper(d);
        return AdaptiveQuadrature.IntegrateWithNodes(F, lo, hi, [.. breaks.Where(b => b > lo && b < hi)], 1e-13, 1e-12, out _, out _).Value;
    }

    /// <summary>Density integrates to 1; mean, variance and entropy match numerical integration (when finite).</summary>
    public static void ContinuousMatchesIntegration(Distribution d, params double[] breaks)
    {
        Expect(d, _ => 1, breaks).Should().BeApproximately(1, 1e-9, "the density integrates to 1");
        double mean = d.Mean.ToScalar(), variance = d.Variance.ToScalar();
        if (double.IsFinite(mean))
        {
            Expect(d, x => x, breaks).Should().BeApproximately(mean, 1e-8 * Math.Max(1, Math.Abs(mean)), "mean");
        }

        if (double.IsFinite(variance))
        {
            Expect(d, x => (x - mean) * (x - mean), breaks).Should().BeApproximately(variance, 1e-8 * Math.Max(1, variance), "variance");
        }

        Expect(d, x => -LogP(d, x), breaks).Should().BeApproximately(d.Entropy().ToScalar(), 1e-8, "entropy = -∫ p log p");
    }

    /// <summary>The pmf sums to 1 over 0..maxCount; mean, variance and entropy match the sums.</summary>
    public static void DiscreteMatchesSums(Distribution d, int maxCount)
    {
        double total = 0, m1 = 0, m2 = 0, h = 0;
        for (int k = 0; k <= maxCount; k++)
        {
            double lp = LogP(d, k);
            if (double.IsNegativeInfinity(lp))
            {
                continue;
            }

            double p = Math.Exp(lp);
            total += p;
            m1 += p * k;
            m2 += p * k * k;
            h -= p * lp;
        }

        total.Should().BeApproximately(1, 1e-10, "the pmf sums to 1");
        m1.Should().BeApproximately(d.Mean.ToScalar(), 1e-9 * Math.Max(1, m1), "mean");
        (m2 - (m1 * m1)).Should().BeApproximately(d.Variance.ToScalar(), 1e-8 * Math.Max(1, m2), "variance");
        h.Should().BeApproximately(d.Entropy().ToScalar(), 1e-9, "entropy = -Σ p log p");
        LogP(d, 0.5).Should().Be(double.NegativeInfinity, "non-integers have no mass");
        LogP(d, -1).Should().Be(double.NegativeInfinity, "negative counts have no mass");
    }

    /// <summary>The mean and variance of 10⁵ seeded samples are within 5 standard errors; samples lie in the support.</summary>
    public static void SampleMomentsMatch(Distribution d, ulong seed)
    {
        const int n = 100_000;
        var x = d.Sample(n, new RandomStream(seed)).ToArray();
        double lo = Lower(d), hi = Upper(d);
        x.Should().OnlyContain(v => v >= lo && v <= hi && double.IsFinite(v), "samples lie in the support");
        double mean = x.Average();
        double m2 = x.Select(v => (v - mean) * (v - mean)).Average();
        double m4 = x.Select(v => Math.Pow(v - mean, 4)).Average();
        double variance = d.Variance.ToScalar();
        Math.Abs(mean - d.Mean.ToScalar()).Should().BeLessThanOrEqualTo(5 * Math.Sqrt(variance / n), "sample mean");
        Math.Abs(m2 - variance).Should().BeLessThanOrEqualTo(5 * Math.Sqrt(Math.Max(m4 - (m2 * m2), 0) / n), "sample variance");
    }

    /// <summary>
    /// Gradients of Σ w·LogProb(values) + Entropy with respect to every parameter (and the value, for continuous
    /// families) match central finite differences.
    /// </summary>
    public static void GradientsMatch(Func<Tensor[], Distribution> make, double[] parameters, double[] values, bool differentiableValue = true)
    {
        int k = parameters.Length;
        double[][] inputs = [.. parameters.Select(v => new[] { v })];
        int[][] shapes = [.. parameters.Select(_ => Array.Empty<int>())];
        if (differentiableValue)
        {
            GradCheck.Check(
                t => GradCheck.Project(make(t[..k]).LogProb(t[k])) + make(t[..k]).Entropy().Sum(),
                [.. inputs, values],
                [.. shapes, [values.Length]],
                tolerance: 1e-5);
        }
        else
        {
            GradCheck.Check(
                t => GradCheck.Project(make(t).LogProb(values)) + make(t).Entropy().Sum(),
                inputs,
                shapes,
                tolerance: 1e-5);
        }
    }

    /// <summary>LogProb is -∞ (never NaN) outside the support, and parameter gradients stay finite.</summary>
    public static void OutsideSupportIsMinusInfinity(Func<Tensor[], Distribution> make, double[] parameters, double[] outside)
    {
        var ps = parameters.Select(v => Tensor.Scalar(v, requiresGrad: true)).ToArray();
        var lp = make(ps).LogProb(outside);
        lp.Values.ToArray().Should().OnlyContain(v => double.IsNegativeInfinity(v));
        var masked = TensorOps.Where(TensorOps.EqualTo(lp, double.NegativeInfinity), 0.0, lp).Sum();
        masked.Backward();
        foreach (var p in ps)
        {
            (p.Grad?.ToScalar() ?? 0).Should().Be(0).And.NotBe(double.NaN);
        }
    }

    /// <summary>Cdf(x) matches the integral of the density from the lower end of the support to x.</summary>
    public static void CdfMatchesIntegration(Distribution d, params double[] xs)
    {
        foreach (double x in xs)
        {
            double lo = Lower(d);
            double expected = x <= lo ? 0 : AdaptiveQuadrature.Integrate(t => { double lp = LogP(d, t); return double.IsNegativeInfinity(lp) ? 0 : Math.Exp(lp); }, lo, x, 1e-13, 1e-12).Value;
            using var scope = Tensor.NoGrad();
            d.Cdf(x).ToScalar().Should().BeApproximately(expected, 1e-9, $"Cdf({x})");
        }
    }

    /// <summary>The constructor rejects the value with the family, parameter and value in the message.</summary>
    public static void Rejects(Action construct, string message) =>
        construct.Should().Throw<ArgumentException>().WithMessage(message + "*");
}
