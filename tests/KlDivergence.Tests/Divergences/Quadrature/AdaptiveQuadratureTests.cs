using KlDivergence.Divergences.Quadrature;

namespace KlDivergence.Tests.Divergences.Quadrature;

public class AdaptiveQuadratureTests
{
    [Fact]
    public void KronrodRuleIsExactForPolynomialsOfDegree22()
    {
        // One K15 panel integrates x^k exactly for k ≤ 22: ∫₀¹ x^k dx = 1/(k+1).
        for (int k = 0; k <= 22; k++)
        {
            int power = k;
            var r = AdaptiveQuadrature.Integrate(x => Math.Pow(x, power), 0, 1, 1e-14, 1e-14);
            r.Value.Should().BeApproximately(1.0 / (k + 1), 1e-15, $"degree {k}");
        }
    }

    [Theory]
    [InlineData("gauss", double.NegativeInfinity, double.PositiveInfinity, 1.7724538509055160273)] // √π
    [InlineData("exp", 0, double.PositiveInfinity, 1)]
    [InlineData("exp-left", double.NegativeInfinity, 0, 1)]
    [InlineData("cauchy", double.NegativeInfinity, double.PositiveInfinity, Math.PI)]
    [InlineData("sqrt", 0, 1, 2.0 / 3)]
    public void KnownIntegralsAreReachedAndTheErrorEstimateBoundsTheError(string name, double a, double b, double exact)
    {
        Func<double, double> f = name switch
        {
            "gauss" => x => Math.Exp(-x * x),
            "exp" => x => Math.Exp(-x),
            "exp-left" => x => Math.Exp(x),
            "cauchy" => x => 1 / (1 + (x * x)),
            _ => Math.Sqrt,
        };

        var r = AdaptiveQuadrature.Integrate(f, a, b, 1e-12, 1e-12);
        r.Converged.Should().BeTrue();
        Math.Abs(r.Value - exact).Should().BeLessThan(1e-11);
        Math.Abs(r.Value - exact).Should().BeLessThanOrEqualTo(Math.Max(r.ErrorEstimate, 1e-15));
    }

    [Fact]
    public void SeparatedMixtureDensityIntegratesToOneWithBreakPoints()
    {
        // 0.3 N(-20, 0.5²) + 0.7 N(15, 2²): narrow, far apart peaks.
        static double Phi(double x, double m, double s) => Math.Exp(-0.5 * ((x - m) / s) * ((x - m) / s)) / (s * Math.Sqrt(2 * Math.PI));
        var r = AdaptiveQuadrature.IntegrateWithNodes(
            x => (0.3 * Phi(x, -20, 0.5)) + (0.7 * Phi(x, 15, 2)), double.NegativeInfinity, double.PositiveInfinity, [-20, 15], 1e-13, 1e-13, out var nodes, out var weights);
        r.Value.Should().BeApproximately(1, 1e-12);

        // The returned rule reproduces the value.
        nodes.Zip(weights, (x, w) => w * ((0.3 * Phi(x, -20, 0.5)) + (0.7 * Phi(x, 15, 2)))).Sum().Should().BeApproximately(r.Value, 1e-14);
    }

    [Fact]
    public void APeakBetweenTheNodesIsFoundWhenTheIntegralOverEachIntervalIsKnown()
    {
        // N(0.7304, 1e-5²) on [0, 1]: the nodes of one panel all miss the peak, so Gauss and Kronrod agree on 0 and the
        // plain integrator is confidently wrong. With the CDF as a primitive, the panel's value is checked against
        // F(1) - F(0) = 1 and the panel is refined until the peak is resolved.
        const double mu = 0.7304, sigma = 1e-5;
        static double Density(double x) => Math.Exp(-0.5 * ((x - mu) / sigma) * ((x - mu) / sigma)) / (sigma * Math.Sqrt(2 * Math.PI));
        static double Cdf(double x) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-(x - mu) / (sigma * Math.Sqrt(2)));
        void F(ReadOnlySpan<double> x, Span<double> values)
        {
            for (int i = 0; i < x.Length; i++)
            {
                values[i] = Density(x[i]);
            }
        }

        var blind = AdaptiveQuadrature.IntegrateVector(F, 1, 0, 1, [], [1e-12], 1e-12, 2000);
        blind.Values[0].Should().BeLessThan(1e-6, "without the check the peak is missed");
        var seeing = AdaptiveQuadrature.IntegrateVector(F, 1, 0, 1, [], [1e-12], 1e-12, 2000, Cdf);
        seeing.Converged.Should().BeTrue();
        seeing.Values[0].Should().BeApproximately(1, 1e-11);
        seeing.Nodes.Zip(seeing.Weights, (x, w) => w * Density(x)).Sum().Should().BeApproximately(seeing.Values[0], 1e-13);
    }

    [Fact]
    public void ANarrowPeakFarFromZeroKeepsItsResolutionWithBreakPointsOnTheWholeLine()
    {
        // N(15000, 1e-4²) over (-∞, ∞) with break points around it: the span between break points is integrated in x,
        // not through the whole-line map (which resolves x = 15000 only to about 1e-8).
        const double mu = 15000, sigma = 1e-4;
        static double Density(double x) => Math.Exp(-0.5 * ((x - mu) / sigma) * ((x - mu) / sigma)) / (sigma * Math.Sqrt(2 * Math.PI));
        var r = AdaptiveQuadrature.IntegrateWithNodes(
            Density, double.NegativeInfinity, double.PositiveInfinity, [mu - (8 * sigma), mu - sigma, mu, mu + sigma, mu + (8 * sigma)], 1e-12, 1e-12, out _, out _);
        r.Converged.Should().BeTrue();
        Math.Abs(r.Value - 1).Should().BeLessThanOrEqualTo(Math.Max(r.ErrorEstimate, 1e-15));
        r.ErrorEstimate.Should().BeLessThan(1e-6);
    }

    [Fact]
    public void BadArgumentsAreReported()
    {
        ((Action)(() => AdaptiveQuadrature.Integrate(x => x, 1, 0))).Should().Throw<ArgumentException>().WithMessage("*lower <= upper*");
        ((Action)(() => AdaptiveQuadrature.Integrate(x => x, double.NaN, 0))).Should().Throw<ArgumentException>();
        ((Action)(() => AdaptiveQuadrature.Integrate(x => x > 0.5 ? double.NaN : x, 0, 1))).Should().Throw<ArgumentException>().WithMessage("*NaN at x*");
    }
}
