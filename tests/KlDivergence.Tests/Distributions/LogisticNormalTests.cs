using KlDivergence.Distributions;
using KlDivergence.Divergences.Quadrature;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class LogisticNormalTests
{
    private static double LogP(Distribution d, double[] y)
    {
        using var scope = Tensor.NoGrad();
        return d.LogProb(y).ToScalar();
    }

    [Theory]
    [InlineData(0.3, 0.8)]
    [InlineData(-2.0, 1.7)]
    public void TwoCategoryDensityIntegratesToOneAndMatchesTheLogitNormal(double loc, double scale)
    {
        var d = new LogisticNormal(new[] { loc }, new[] { scale });
        double total = AdaptiveQuadrature.Integrate(t => Math.Exp(LogP(d, [t, 1 - t])), 0, 1, 1e-13, 1e-12).Value;
        total.Should().BeApproximately(1, 1e-9);

        // y₁ = sigmoid(x): p(y₁) = φ((logit y₁ - μ)/σ)/(σ y₁(1 - y₁)), written here with MathNet's normal density.
        foreach (double t in new[] { 0.05, 0.4, 0.93 })
        {
            double expected = Math.Log(MathNet.Numerics.Distributions.Normal.PDF(loc, scale, Math.Log(t / (1 - t))) / (t * (1 - t)));
            LogP(d, [t, 1 - t]).Should().BeApproximately(expected, 1e-12);
        }
    }

    [Fact]
    public void ThreeCategoryDensityIntegratesToOneByMonteCarloOverTheSimplex()
    {
        // ∫ p(y) dy over the 2-simplex = E[p(Y)]/2 for Y uniform on the simplex (density 2): 10⁵ uniform points
        // (normalised exponentials), within 5 standard errors.
        var d = new LogisticNormal(new[] { 0.3, -0.5 }, new[] { 0.9, 1.2 });
        var rng = new RandomStream(99UL);
        const int n = 100_000;
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            double e1 = -Math.Log(rng.NextOpenDouble()), e2 = -Math.Log(rng.NextOpenDouble()), e3 = -Math.Log(rng.NextOpenDouble());
            double s = e1 + e2 + e3;
            double y1 = e1 / s, y2 = e2 / s;
            values[i] = Math.Exp(LogP(d, [y1, y2, 1 - y1 - y2])) / 2;
        }

        double mean = values.Average();
        double se = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average() / n);
        Math.Abs(mean - 1).Should().BeLessThan(5 * se);
    }

    [Fact]
    public void SamplesLieOnTheSimplexAndTheirLogRatiosHaveTheNormalMoments()
    {
        var d = new LogisticNormal(new[] { 0.3, -0.5 }, new[] { 0.9, 1.2 });
        var y = d.Sample(100_000, new RandomStream(20240601UL));
        y.Shape.Should().Equal(100_000, 3);
        var v = y.ToArray();
        var ratios = new double[2 * 100_000];
        for (int i = 0; i < 100_000; i++)
        {
            (v[3 * i] + v[(3 * i) + 1] + v[(3 * i) + 2]).Should().BeApproximately(1, 1e-14);
            ratios[2 * i] = Math.Log(v[3 * i] / v[(3 * i) + 2]);
            ratios[(2 * i) + 1] = Math.Log(v[(3 * i) + 1] / v[(3 * i) + 2]);
        }

        DistributionTestHelpers.CheckMeanAndVariance(Tensor.FromArray(ratios, [100_000, 2]), new[] { 0.3, -0.5 }, new[] { 0.81, 1.44 }, [3 * 0.81 * 0.81, 3 * 1.44 * 1.44]);
        d.Sample(5, new RandomStream(3UL)).ToArray().Should().Equal(d.Sample(5, new RandomStream(3UL)).ToArray());
    }

    [Fact]
    public void PointsOffTheOpenSimplexHaveNoDensity()
    {
        var d = new LogisticNormal(new[] { 0.3, -0.5 }, new[] { 0.9, 1.2 });
        LogP(d, [0.2, 0.2, 0.2]).Should().Be(double.NegativeInfinity);
        LogP(d, [0.0, 0.5, 0.5]).Should().Be(double.NegativeInfinity);
        LogP(d, [-0.1, 0.6, 0.5]).Should().Be(double.NegativeInfinity);
    }

    [Fact]
    public void LogProbGradientMatchesFiniteDifferences() =>
        GradCheck.Check(
            t => GradCheck.Project(new LogisticNormal(t[0], t[1]).LogProb(new[] { 0.2, 0.5, 0.3 })),
            [[0.3, -0.5], [0.9, 1.2]],
            [[2], [2]],
            tolerance: 1e-6);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new LogisticNormal(new[] { 0.0, 1.0 }, new[] { 1.0, -2.0 }), "LogisticNormal: scale must be positive and finite, got -2");
        FamilyChecks.Rejects(() => _ = new LogisticNormal(new[] { double.NaN }, new[] { 1.0 }), "LogisticNormal: loc must be finite, got NaN");
        FamilyChecks.Rejects(() => _ = new LogisticNormal(0.0, 1.0), "LogisticNormal: loc and scale must be vectors*");
    }
}
