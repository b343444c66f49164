using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class GeometricTests
{
    private static Distribution Make(Tensor[] t) => new Geometric(t[0]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.85)]
    public void PmfMomentsAndEntropyMatchSums(double a0) => FamilyChecks.DiscreteMatchesSums(Build(a0), 400);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.85)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0) => FamilyChecks.SampleMomentsMatch(Build(a0), 20240601UL);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.85)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0) =>
        FamilyChecks.GradientsMatch(Make, [a0], [0.0, 2.0, 5.0], differentiableValue: false);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.3], [-1.0, 0.5]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Geometric(0.0), "Geometric: probs must be in (0, 1], got 0");
}
