using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class WeibullTests
{
    private static Distribution Make(Tensor[] t) => new Weibull(t[0], t[1]);

    [Theory]
    [InlineData(1.3, 0.7)]
    [InlineData(0.8, 1.0)]
    [InlineData(2.5, 3.5)]
    public void DensityMomentsAndEntropyMatchIntegration(double scale, double k) =>
        FamilyChecks.ContinuousMatchesIntegration(new Weibull(scale, k), [scale]);

    [Theory]
    [InlineData(1.3, 0.7)]
    [InlineData(2.5, 3.5)]
    public void LogProbAndCdfMatchMathNet(double scale, double k)
    {
        var reference = new MathNet.Numerics.Distributions.Weibull(k, scale);
        using var scope = Tensor.NoGrad();
        foreach (double x in new[] { 1e-3, 0.5, scale, 4 * scale })
        {
            new Weibull(scale, k).LogProb(x).ToScalar().Should().BeApproximately(reference.DensityLn(x), 1e-12);
            // MathNet computes 1 - exp(-t), which loses about 1e-10 near 0 (this library uses -expm1(-t)).
            new Weibull(scale, k).Cdf(x).ToScalar().Should().BeApproximately(reference.CumulativeDistribution(x), 1e-9);
        }

        new Weibull(scale, k).Mean.ToScalar().Should().BeApproximately(reference.Mean, 1e-12);
        new Weibull(scale, k).Variance.ToScalar().Should().BeApproximately(reference.Variance, 1e-12);
    }

    [Theory]
    [InlineData(1.3, 0.7)]
    [InlineData(2.5, 3.5)]
    public void CdfMatchesIntegrationOfTheDensity(double scale, double k) =>
        FamilyChecks.CdfMatchesIntegration(new Weibull(scale, k), -1.0, 0.1, scale, 3 * scale);

    [Theory]
    [InlineData(1.3, 0.7)]
    [InlineData(2.5, 3.5)]
    public void SampleMomentsAreWithinFiveStandardErrors(double scale, double k) => FamilyChecks.SampleMomentsMatch(new Weibull(scale, k), 20240601UL);

    [Fact]
    public void SamplesAreReproducibleAndReparameterised()
    {
        new Weibull(1.5, 2.0).Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(new Weibull(1.5, 2.0).Sample(10, new RandomStream(3UL)).ToArray());

        // d/dλ E[X] = Γ(1 + 1/k): the mean pathwise gradient of 10⁵ samples is within 5 standard errors of it.
        var scale = Tensor.Scalar(1.5, requiresGrad: true);
        var x = new Weibull(scale, 2.0).ReparameterizedSample(100_000, new RandomStream(5UL));
        x.Mean().Backward();
        var perSample = x.ToArray().Select(v => v / 1.5).ToArray();
        double perSampleMean = perSample.Average();
        double sd = Math.Sqrt(perSample.Select(v => (v - perSampleMean) * (v - perSampleMean)).Average());
        scale.Grad!.ToScalar().Should().BeApproximately(MathNet.Numerics.SpecialFunctions.Gamma(1.5), 5 * sd / Math.Sqrt(100_000));
    }

    [Theory]
    [InlineData(1.3, 0.7)]
    [InlineData(2.5, 3.5)]
    public void LogProbCdfAndEntropyGradientsMatchFiniteDifferences(double scale, double k)
    {
        FamilyChecks.GradientsMatch(Make, [scale, k], [0.2, 1.1, 3.0]);
        CdfChecks.GradientsMatch(Make, [scale, k], [0.2, 1.1, 3.0]);
    }

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [1.3, 0.7], [-0.5, 0.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new Weibull(-1.0, 1.0), "Weibull: scale must be positive and finite, got -1");
        FamilyChecks.Rejects(() => _ = new Weibull(1.0, 0.0), "Weibull: concentration must be positive and finite, got 0");
    }
}
