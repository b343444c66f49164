using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class BetaTests
{
    private static Distribution Make(Tensor[] t) => new Beta(t[0], t[1]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(0.7, 1.8)]
    [InlineData(5.5, 1.5)]
    public void DensityMomentsAndEntropyMatchIntegration(double a0, double a1)
    {
        var d = Build(a0, a1);
        FamilyChecks.ContinuousMatchesIntegration(d, [0.5]);
    }

    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(0.7, 1.8)]
    [InlineData(1.0, 0.3)]
    public void EachDrawIsTheRatioOfTheStreamsTwoGammaDraws(double a, double b)
    {
        // X = G₁/(G₁ + G₂) with G₁ ~ Gamma(a), G₂ ~ Gamma(b) taken in turn from the stream: worked here from the
        // stream's own Gamma draws (in logs where a concentration is below 1, whose draws may underflow).
        var draws = new Beta(Tensor.Scalar(a), Tensor.Scalar(b)).Sample(200, new RandomStream(77)).ToArray();
        var stream = new RandomStream(77);
        foreach (double x in draws)
        {
            double logG1 = stream.NextLogGamma(a), logG2 = stream.NextLogGamma(b);
            double expected = 1 / (1 + Math.Exp(logG2 - logG1));
            x.Should().BeApproximately(expected, 1e-14 * Math.Max(expected, 1e-300));
        }
    }

    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(0.7, 1.8)]
    [InlineData(5.5, 1.5)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0, double a1) => FamilyChecks.SampleMomentsMatch(Build(a0, a1), 20240601UL);

    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(0.7, 1.8)]
    [InlineData(5.5, 1.5)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0, double a1) =>
        FamilyChecks.GradientsMatch(Make, [a0, a1], [0.2, 0.5, 0.9]);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [2.0, 3.0], [-0.5, 0.0, 1.0, 1.5]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Beta(double.NaN, 1.0), "Beta: concentration1 must be positive and finite, got NaN");
}
