using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class HalfCauchyTests
{
    private static Distribution Make(Tensor[] t) => new HalfCauchy(t[0]);

    [Theory]
    [InlineData(0.3)]
    [InlineData(2.5)]
    public void DensityAndEntropyMatchIntegration(double scale) => FamilyChecks.ContinuousMatchesIntegration(new HalfCauchy(scale), [scale]);

    [Fact]
    public void MomentsAreInfinite()
    {
        var d = new HalfCauchy(new[] { 0.5, 2.0 });
        d.Mean.ToArray().Should().Equal(double.PositiveInfinity, double.PositiveInfinity);
        d.Variance.ToArray().Should().Equal(double.PositiveInfinity, double.PositiveInfinity);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(2.5)]
    public void CdfMatchesIntegrationOfTheDensity(double scale) =>
        FamilyChecks.CdfMatchesIntegration(new HalfCauchy(scale), -1.0, 0.0, 0.1 * scale, scale, 30 * scale);

    [Theory]
    [InlineData(0.3)]
    [InlineData(2.5)]
    public void SampleQuartilesAreWithinFiveStandardErrors(double scale)
    {
        // No moments: the fractions of 10⁵ samples below γ tan(πq/2) are q (binomial standard errors).
        var x = new HalfCauchy(scale).Sample(100_000, new RandomStream(17UL)).ToArray();
        x.Should().OnlyContain(v => v >= 0 && double.IsFinite(v));
        foreach (double q in new[] { 0.25, 0.5, 0.9 })
        {
            double fraction = x.Count(v => v <= scale * Math.Tan(Math.PI * q / 2)) / 100_000.0;
            Math.Abs(fraction - q).Should().BeLessThan(5 * Math.Sqrt(q * (1 - q) / 100_000));
        }
    }

    [Fact]
    public void SamplesAreReproducibleAndReparameterised()
    {
        new HalfCauchy(1.5).Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(new HalfCauchy(1.5).Sample(10, new RandomStream(3UL)).ToArray());
        var scale = Tensor.Scalar(1.5, requiresGrad: true);
        var x = new HalfCauchy(scale).ReparameterizedSample(100, new RandomStream(5UL));
        x.Sum().Backward();
        scale.Grad!.ToScalar().Should().BeApproximately(x.ToArray().Sum() / 1.5, 1e-9, "x = γ·ε, so dx/dγ = x/γ");
    }

    [Fact]
    public void LogProbCdfAndEntropyGradientsMatchFiniteDifferences()
    {
        FamilyChecks.GradientsMatch(Make, [1.3], [0.01, 0.4, 5.0]);
        CdfChecks.GradientsMatch(Make, [1.3], [0.2, 1.0, 7.0]);
    }

    [Fact]
    public void LogProbIsMinusInfinityBelowZeroWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [1.3], [-0.5, -1e-12]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new HalfCauchy(0.0), "HalfCauchy: scale must be positive and finite, got 0");
}
