using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class Chi2Tests
{
    private static Distribution Make(Tensor[] t) => new Chi2(t[0]);

    [Theory]
    [InlineData(1.5)]
    [InlineData(4.0)]
    [InlineData(17.3)]
    public void DensityMomentsAndEntropyMatchIntegration(double df) => FamilyChecks.ContinuousMatchesIntegration(new Chi2(df), [df]);

    [Theory]
    [InlineData(0.7)]
    [InlineData(4.0)]
    [InlineData(17.3)]
    public void LogProbAndCdfMatchMathNet(double df)
    {
        var reference = new MathNet.Numerics.Distributions.ChiSquared(df);
        using var scope = Tensor.NoGrad();
        foreach (double x in new[] { 1e-3, 0.5, df, 3 * df + 10 })
        {
            new Chi2(df).LogProb(x).ToScalar().Should().BeApproximately(reference.DensityLn(x), 1e-12);
            new Chi2(df).Cdf(x).ToScalar().Should().BeApproximately(reference.CumulativeDistribution(x), 1e-12);
        }
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(4.0)]
    public void CdfMatchesIntegrationOfTheDensity(double df) => FamilyChecks.CdfMatchesIntegration(new Chi2(df), -1.0, 0.2, df, 4 * df);

    [Theory]
    [InlineData(0.7)]
    [InlineData(4.0)]
    [InlineData(17.3)]
    public void SampleMomentsAreWithinFiveStandardErrors(double df) => FamilyChecks.SampleMomentsMatch(new Chi2(df), 20240601UL);

    [Fact]
    public void SamplesAreReproducible() =>
        new Chi2(3.0).Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(new Chi2(3.0).Sample(10, new RandomStream(3UL)).ToArray());

    [Theory]
    [InlineData(1.5)]
    [InlineData(6.0)]
    public void LogProbCdfAndEntropyGradientsMatchFiniteDifferences(double df)
    {
        FamilyChecks.GradientsMatch(Make, [df], [0.2, 1.1, 7.0]);
        CdfChecks.GradientsMatch(Make, [df], [0.2, 1.1, 7.0]);
    }

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [3.0], [-0.5, 0.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Chi2(-3.0), "Chi2: df must be positive and finite, got -3");
}
