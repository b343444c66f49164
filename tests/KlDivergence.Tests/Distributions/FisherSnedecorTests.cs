using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class FisherSnedecorTests
{
    private static Distribution Make(Tensor[] t) => new FisherSnedecor(t[0], t[1]);

    [Theory]
    [InlineData(1.5, 1.5)]
    [InlineData(4.0, 7.0)]
    [InlineData(12.0, 30.0)]
    public void DensityMomentsAndEntropyMatchIntegration(double d1, double d2) =>
        FamilyChecks.ContinuousMatchesIntegration(new FisherSnedecor(d1, d2), [1.0]);

    [Fact]
    public void MomentsAreInfiniteWhereTheyDoNotExist()
    {
        var d = new FisherSnedecor(3.0, new[] { 1.5, 3.0, 6.0 });
        d.Mean.ToArray().Should().Equal(double.PositiveInfinity, 3.0, 1.5);
        d.Variance.ToArray()[..2].Should().Equal(double.PositiveInfinity, double.PositiveInfinity);
    }

    [Theory]
    [InlineData(1.5, 1.5)]
    [InlineData(12.0, 30.0)]
    public void LogProbCdfAndMomentsMatchMathNet(double d1, double d2)
    {
        var reference = new MathNet.Numerics.Distributions.FisherSnedecor(d1, d2);
        using var scope = Tensor.NoGrad();
        var d = new FisherSnedecor(d1, d2);
        foreach (double x in new[] { 0.01, 0.5, 1.0, 6.0 })
        {
            d.LogProb(x).ToScalar().Should().BeApproximately(reference.DensityLn(x), 1e-12);
            d.Cdf(x).ToScalar().Should().BeApproximately(reference.CumulativeDistribution(x), 1e-12);
        }
    }

    [Theory]
    [InlineData(1.5, 1.5)]
    [InlineData(4.0, 7.0)]
    public void CdfMatchesIntegrationOfTheDensity(double d1, double d2) =>
        FamilyChecks.CdfMatchesIntegration(new FisherSnedecor(d1, d2), -1.0, 0.05, 1.0, 5.0);

    [Theory]
    [InlineData(6.0, 12.0)]
    [InlineData(20.0, 40.0)]
    public void SampleMomentsAreWithinFiveStandardErrors(double d1, double d2) => FamilyChecks.SampleMomentsMatch(new FisherSnedecor(d1, d2), 20240601UL);

    [Fact]
    public void SamplesAreReproducible() =>
        new FisherSnedecor(3.0, 5.0).Sample(10, new RandomStream(3UL)).ToArray().Should().Equal(new FisherSnedecor(3.0, 5.0).Sample(10, new RandomStream(3UL)).ToArray());

    [Theory]
    [InlineData(1.5, 1.5)]
    [InlineData(4.0, 7.0)]
    public void LogProbCdfAndEntropyGradientsMatchFiniteDifferences(double d1, double d2)
    {
        FamilyChecks.GradientsMatch(Make, [d1, d2], [0.2, 1.1, 5.0]);
        CdfChecks.GradientsMatch(Make, [d1, d2], [0.2, 1.1, 5.0]);
    }

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [3.0, 5.0], [-0.5, 0.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new FisherSnedecor(0.0, 1.0), "FisherSnedecor: df1 must be positive and finite, got 0");
        FamilyChecks.Rejects(() => _ = new FisherSnedecor(1.0, -2.0), "FisherSnedecor: df2 must be positive and finite, got -2");
    }
}
