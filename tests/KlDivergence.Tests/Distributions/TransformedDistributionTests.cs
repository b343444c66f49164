using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class TransformedDistributionTests
{
    /// <summary>y = -x: a decreasing element-wise bijector.</summary>
    private sealed class NegateBijector : Bijector
    {
        public override string Name => "Negate";

        public override Tensor Forward(Tensor x) => -x;

        public override Tensor Inverse(Tensor y) => -y;

        public override Tensor ForwardLogDetJacobian(Tensor x) => Tensor.Zeros([.. x.Shape]);
    }

    private static Distribution LogitNormal(Tensor[] t) => new TransformedDistribution(new Normal(t[0], t[1]), new SigmoidBijector());

    [Fact]
    public void CdfThroughAnIncreasingBijectorIsTheBaseCdfAtTheInverse()
    {
        // P(sigmoid(X) ≤ y) = Φ((logit y - μ)/σ), with Φ from MathNet.Numerics.
        var d = LogitNormal([0.3, 0.8]);
        using var scope = Tensor.NoGrad();
        foreach (double y in new[] { 1e-6, 0.2, 0.5, 0.9, 0.999 })
        {
            double expected = MathNet.Numerics.Distributions.Normal.CDF(0.3, 0.8, Math.Log(y / (1 - y)));
            d.Cdf(y).ToScalar().Should().BeApproximately(expected, 1e-14);
        }
    }

    [Fact]
    public void CdfMatchesIntegrationOfTheTransformedDensity()
    {
        FamilyChecks.CdfMatchesIntegration(LogitNormal([0.3, 0.8]), 0.05, 0.4, 0.57, 0.95);
        FamilyChecks.CdfMatchesIntegration(new TransformedDistribution(new Laplace(0.4, 1.5), new SoftplusBijector()), 0.1, 0.8, 3.0);
    }

    [Fact]
    public void CdfIsZeroBelowAndOneAboveTheImageOfTheSupport()
    {
        using var scope = Tensor.NoGrad();
        LogitNormal([0.3, 0.8]).Cdf(new[] { -0.5, 0.0, 1.0, 1.5 }).ToArray().Should().Equal(0.0, 0.0, 1.0, 1.0);
    }

    [Fact]
    public void CdfThroughADecreasingBijectorIsTheBaseSurvivalFunction()
    {
        // Y = -X, X ~ Exponential(1.3): P(Y ≤ y) = P(X ≥ -y) = e^{1.3 y} for y < 0, 1 for y ≥ 0.
        var d = new TransformedDistribution(new Exponential(1.3), new NegateBijector());
        using var scope = Tensor.NoGrad();
        var cdf = d.Cdf(new[] { -3.0, -0.5, -1e-9, 0.0, 2.0 }).ToArray();
        cdf[0].Should().BeApproximately(Math.Exp(-3.9), 1e-15);
        cdf[1].Should().BeApproximately(Math.Exp(-0.65), 1e-15);
        cdf[2].Should().BeApproximately(1, 1e-8);
        cdf[3].Should().Be(1);
        cdf[4].Should().Be(1);
    }

    [Fact]
    public void CdfOfADiscreteBaseCountsTheMassAtTheLowerEnd()
    {
        // exp(X), X ~ Bernoulli(0.3): mass 0.7 at 1 and 0.3 at e.
        var d = new TransformedDistribution(new Bernoulli(0.3), new ExpBijector());
        using var scope = Tensor.NoGrad();
        var cdf = d.Cdf(new[] { 0.5, 1.0, 2.0, Math.E, 3.0 }).ToArray();
        cdf[0].Should().Be(0);
        cdf[1].Should().BeApproximately(0.7, 1e-15);
        cdf[2].Should().BeApproximately(0.7, 1e-15);
        cdf[3].Should().Be(1);
        cdf[4].Should().Be(1);
    }

    [Fact]
    public void CdfGradientsMatchFiniteDifferences() => CdfChecks.GradientsMatch(LogitNormal, [0.3, 0.8], [0.1, 0.5, 0.8]);

    [Fact]
    public void CdfOfAMultivariateBaseIsNotSupported()
    {
        var d = new TransformedDistribution(new MultivariateNormalDiag(new[] { 0.0, 0.0 }, new[] { 1.0, 1.0 }), new ExpBijector());
        d.Invoking(x => x.Cdf(new[] { 1.0, 1.0 })).Should().Throw<NotSupportedException>();
    }
}
