using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// The other closed forms at extreme parameters: scale or rate ratios beyond the double range (1e-300 against 1e300),
/// locations whose difference overflows, and nearly equal parameters where the direct formulas cancel to first
/// order. Each reference is the family's KL worked here with logs (log r = log a - log b) or by its Taylor series.
/// </summary>
public class ClosedFormExtremesTests
{
    private const double EulerGamma = 0.57721566490153286;

    /// <summary>log(1e-300) - log(1e300) = -600 log 10.</summary>
    private static readonly double LogTiny = -600 * Math.Log(10);

    private static double Value(Distribution p, Distribution q) => Kl.Exact(p, q).ToScalar();

    [Fact]
    public void ExponentialRatesBeyondTheDoubleRange()
    {
        // KL = r - 1 - log r, r = λq/λp.
        Value(new Exponential(1), new Exponential(1e-17)).Should().BeApproximately(1e-17 - 1 + (17 * Math.Log(10)), 1e-14 * 38);
        Value(new Exponential(1e300), new Exponential(1e-300)).Should().BeApproximately(-1 - LogTiny, 1e-14 * 1380);
        Value(new Exponential(1e-300), new Exponential(1e300)).Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void HalfNormalScalesBeyondTheDoubleRange()
    {
        // KL = ½r² - ½ - log r, r = σp/σq.
        Value(new HalfNormal(1e-17), new HalfNormal(1)).Should().BeApproximately((17 * Math.Log(10)) - 0.5, 1e-14 * 38);
        Value(new HalfNormal(1e-300), new HalfNormal(1e300)).Should().BeApproximately(-0.5 - LogTiny, 1e-14 * 1381);
        Value(new HalfNormal(1e300), new HalfNormal(1e-300)).Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void LogNormalScalesBeyondTheDoubleRangeGoThroughTheNormalFormula()
    {
        Value(new LogNormal(0, 1e-17), new LogNormal(0, 1)).Should().BeApproximately((17 * Math.Log(10)) - 0.5, 1e-14 * 38);
    }

    [Fact]
    public void ParetoShapesAndScalesBeyondTheDoubleRange()
    {
        // KL = αq log(xp/xq) + r - 1 - log r, r = αq/αp.
        Value(new Pareto(1, 1), new Pareto(1, 1e-17)).Should().BeApproximately(1e-17 - 1 + (17 * Math.Log(10)), 1e-14 * 38);
        Value(new Pareto(1e300, 2), new Pareto(1e-300, 2)).Should().BeApproximately(-2 * LogTiny, 1e-14 * 2763);
    }

    [Fact]
    public void PoissonNearlyEqualRatesAndRatesBeyondTheDoubleRange()
    {
        // KL = λq g(t), t = (λp - λq)/λq, g(t) = (1 + t) log(1 + t) - t = t²/2 - t³/6 + t⁴/12 - ….
        double lq = 3, lp = 3 * (1 + 1e-7), t = (lp - lq) / lq;
        double expected = lq * ((t * t / 2) - (t * t * t / 6) + (t * t * t * t / 12));
        Value(new Poisson(lp), new Poisson(lq)).Should().BeApproximately(expected, 1e-13 * expected);

        // λp log(λp/λq) - λp + λq with log(λp/λq) = 600 log 10.
        double far = (1e300 * -LogTiny) - 1e300;
        Value(new Poisson(1e300), new Poisson(1e-300)).Should().BeApproximately(far, 1e-14 * far);
    }

    [Fact]
    public void LaplaceNearbyLocationsExtremeScalesAndHugeLocations()
    {
        // KL = r - 1 - log r + d/bq + r(e^{-d/bp} - 1); equal scales: d + e^{-d} - 1 = d²/2 - d³/6 + d⁴/24.
        double d = 1e-8;
        double near = (d * d / 2) - (d * d * d / 6) + (d * d * d * d / 24);
        Value(new Laplace(d, 1), new Laplace(0, 1)).Should().BeApproximately(near, 1e-13 * near);

        Value(new Laplace(0, 1e-300), new Laplace(0, 1e300)).Should().BeApproximately(-1 - LogTiny, 1e-14 * 1380);
        Value(new Laplace(0, 1e300), new Laplace(0, 1e-300)).Should().Be(double.PositiveInfinity);

        // d/b = 2e308/1e300 = 2e8 with equal scales: KL = 2e8 + e^{-2e8} - 1.
        Value(new Laplace(1e308, 1e300), new Laplace(-1e308, 1e300)).Should().BeApproximately(2e8 - 1, 1e-14 * 2e8);
    }

    [Fact]
    public void GumbelNearlyEqualScalesAndScalesBeyondTheDoubleRange()
    {
        // Equal locations, r = 1 + ε: KL = -log r + γ(r - 1) + e^{u} - 1, u = log Γ(1 + r) = log Γ(1 + ε) + log(1 + ε),
        // with log Γ(1 + ε) = -γε + Σ_{k≥2} (-1)^k ζ(k) ε^k/k (A&S 6.1.33). Expanded: KL = Σ terms in ε², ε³, ….
        double eps = 1e-5;
        var q = new Gumbel(0, 1);
        var p = new Gumbel(0, 1 + eps);
        double e = (1 + eps) - 1; // the stored scale's exact excess
        double[] zeta = [0, 0, 1.6449340668482264, 1.2020569031595943, 1.0823232337111382, 1.0369277551433699, 1.0173430619844491];
        double logGamma1PlusEps = -EulerGamma * e;
        for (int k = 2; k < zeta.Length; k++)
        {
            logGamma1PlusEps += (k % 2 == 0 ? 1 : -1) * zeta[k] * Math.Pow(e, k) / k;
        }

        double log1p = e - (e * e / 2) + (e * e * e / 3) - (e * e * e * e / 4) + (Math.Pow(e, 5) / 5);
        double u = logGamma1PlusEps + log1p;
        double expm1MinusU = (u * u / 2) + (u * u * u / 6) + (u * u * u * u / 24);

        // -log r + γ(r - 1) + u = log Γ(1 + ε) + γε (exactly: u - log r = log Γ(1 + ε)); its series starts at ζ(2)ε²/2.
        double shape = logGamma1PlusEps + (EulerGamma * e);
        double expected = shape + expm1MinusU;
        Value(p, q).Should().BeApproximately(expected, 1e-10 * expected);

        // r = 1e-600 (underflows): log(βq/βp) + γ(0 - 1) + e^{log Γ(1)} - 1 = 600 log 10 - γ.
        Value(new Gumbel(0, 1e-300), new Gumbel(0, 1e300)).Should().BeApproximately(-LogTiny - EulerGamma, 1e-14 * 1381);
    }

    /// <summary>
    /// The Gumbel KL skips its underflow branch when no scale ratio underflows: pairs alone give the bits and gradients
    /// they give in a batch beside a pair whose ratio underflows (which takes the selects).
    /// </summary>
    [Fact]
    public void GumbelWithoutUnderflowGivesTheSelectedPathsBitsAndGradients()
    {
        double[] loc = [0.3, -1.0, 2.5], scale = [1.2, 0.4, 3.0];
        (double[] Value, double[] GradScale) Run(double[] locs, double[] scales)
        {
            var s = Tensor.FromArray(scales, [scales.Length], requiresGrad: true);
            var kl = Kl.Exact(new Gumbel(Tensor.FromArray(locs, [locs.Length]), s), new Gumbel(0.1, 0.9));
            kl.Sum().Backward();
            return (kl.ToArray(), s.Grad!.ToArray());
        }

        var alone = Run(loc, scale);
        var beside = Run([.. loc, 0.0], [.. scale, 1e-310]);
        alone.Value.Should().Equal(beside.Value[..3]);
        alone.GradScale.Should().Equal(beside.GradScale[..3]);
    }

    [Fact]
    public void CauchyScalesBeyondTheDoubleRangeAndHugeNearlyEqualScales()
    {
        // KL = log(((γp + γq)² + Δ²)/(4γpγq)); for γp = 1e-300, γq = 1e300: log(γq/(4γp)) to rounding.
        Value(new Cauchy(0, 1e-300), new Cauchy(0, 1e300)).Should().BeApproximately(-LogTiny - Math.Log(4), 1e-14 * 1380);

        // Scaled by 1e-200: γp = 1, γq = 1.1, Δ = 1e-10 (the squares of the raw parameters overflow).
        double expected = Math.Log(((2.1 * 2.1) + 1e-20) / (4 * 1.1));
        Value(new Cauchy(0, 1e200), new Cauchy(1e190, 1.1e200)).Should().BeApproximately(expected, 1e-13 * expected);
    }
}
