using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class BinomialTests
{
    private static Distribution Make(Tensor[] t) => new Binomial(12, t[0]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void PmfMomentsAndEntropyMatchSums(double a0) => FamilyChecks.DiscreteMatchesSums(Build(a0), 12);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0) => FamilyChecks.SampleMomentsMatch(Build(a0), 20240601UL);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0) =>
        FamilyChecks.GradientsMatch(Make, [a0], [0.0, 4.0, 12.0], differentiableValue: false);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.3], [-1.0, 0.5, 13.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Binomial(2.5, 0.5), "Binomial: totalCount must be a non-negative whole number, got 2.5");
}
