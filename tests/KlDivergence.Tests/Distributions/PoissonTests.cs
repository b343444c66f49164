using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class PoissonTests
{
    private static Distribution Make(Tensor[] t) => new Poisson(t[0]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.4)]
    [InlineData(7.5)]
    [InlineData(40.0)]
    public void PmfMomentsAndEntropyMatchSums(double a0) => FamilyChecks.DiscreteMatchesSums(Build(a0), 200);

    [Theory]
    [InlineData(0.4)]
    [InlineData(7.5)]
    [InlineData(40.0)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0) => FamilyChecks.SampleMomentsMatch(Build(a0), 20240601UL);

    [Theory]
    [InlineData(0.4)]
    [InlineData(7.5)]
    [InlineData(40.0)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0) =>
        FamilyChecks.GradientsMatch(Make, [a0], [0.0, 4.0, 12.0], differentiableValue: false);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.4], [-1.0, 0.5]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Poisson(0.0), "Poisson: rate must be positive and finite, got 0");
}
