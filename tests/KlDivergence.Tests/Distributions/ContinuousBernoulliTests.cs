using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class ContinuousBernoulliTests
{
    private static Distribution Make(Tensor[] t) => new ContinuousBernoulli(t[0]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.505)]
    [InlineData(0.52)]
    [InlineData(0.93)]
    public void DensityMomentsAndEntropyMatchIntegration(double a0)
    {
        var d = Build(a0);
        FamilyChecks.ContinuousMatchesIntegration(d, [0.5]);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.505)]
    [InlineData(0.52)]
    [InlineData(0.93)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0) => FamilyChecks.SampleMomentsMatch(Build(a0), 20240601UL);

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.505)]
    [InlineData(0.52)]
    [InlineData(0.93)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0) =>
        FamilyChecks.GradientsMatch(Make, [a0], [0.1, 0.5, 0.9]);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.2], [-0.5, 1.5]);

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.505)]
    [InlineData(0.52)]
    [InlineData(0.93)]
    public void CdfMatchesTheIntegratedDensity(double a0) => FamilyChecks.CdfMatchesIntegration(Build(a0), [0.0, 0.3, 0.8, 1.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new ContinuousBernoulli(1.0), "ContinuousBernoulli: probs must be in (0, 1), got 1");
}
