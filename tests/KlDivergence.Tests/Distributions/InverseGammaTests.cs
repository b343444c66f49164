using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class InverseGammaTests
{
    private static Distribution Make(Tensor[] t) => new InverseGamma(t[0], t[1]);

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(2.5, 0.8)]
    [InlineData(3.5, 2.0)]
    [InlineData(9.0, 4.0)]
    public void DensityMomentsAndEntropyMatchIntegration(double a, double b)
    {
        var d = new InverseGamma(a, b);
        FamilyChecks.ContinuousMatchesIntegration(d, [b / (a + 1), b]);
    }

    [Fact]
    public void MomentsAreInfiniteWhereTheyDoNotExist()
    {
        var d = new InverseGamma(new[] { 0.7, 1.5, 3.0 }, 2.0);
        d.Mean.ToArray().Should().Equal(double.PositiveInfinity, 4.0, 1.0);
        d.Variance.ToArray()[..2].Should().Equal(double.PositiveInfinity, double.PositiveInfinity);
        d.Variance.ToArray()[2].Should().BeApproximately(4.0 / 4.0, 1e-15);
    }

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(3.5, 2.0)]
    public void LogProbAndCdfMatchMathNet(double a, double b)
    {
        var reference = new MathNet.Numerics.Distributions.InverseGamma(a, b);
        using var scope = Tensor.NoGrad();
        foreach (double x in new[] { 0.05, 0.5, b, 10 * b })
        {
            new InverseGamma(a, b).LogProb(x).ToScalar().Should().BeApproximately(reference.DensityLn(x), 1e-12);
            new InverseGamma(a, b).Cdf(x).ToScalar().Should().BeApproximately(reference.CumulativeDistribution(x), 1e-12);
        }
    }

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(3.5, 2.0)]
    public void CdfMatchesIntegrationOfTheDensity(double a, double b) =>
        FamilyChecks.CdfMatchesIntegration(new InverseGamma(a, b), -1.0, 0.1, b / (a + 1), 3 * b);

    [Theory]
    [InlineData(6.0, 1.3)]
    [InlineData(12.0, 20.0)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a, double b) => FamilyChecks.SampleMomentsMatch(new InverseGamma(a, b), 20240601UL);

    [Fact]
    public void SamplesAreReproducible() =>
        new InverseGamma(3.0, 2.0).Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(new InverseGamma(3.0, 2.0).Sample(10, new RandomStream(3UL)).ToArray());

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(3.5, 2.0)]
    public void LogProbCdfAndEntropyGradientsMatchFiniteDifferences(double a, double b)
    {
        FamilyChecks.GradientsMatch(Make, [a, b], [0.2, 1.1, 5.0]);
        CdfChecks.GradientsMatch(Make, [a, b], [0.2, 1.1, 5.0]);
    }

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [3.0, 2.0], [-0.5, 0.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new InverseGamma(0.0, 1.0), "InverseGamma: concentration must be positive and finite, got 0");
        FamilyChecks.Rejects(() => _ = new InverseGamma(1.0, double.PositiveInfinity), "InverseGamma: scale must be positive and finite, got Infinity");
    }
}
