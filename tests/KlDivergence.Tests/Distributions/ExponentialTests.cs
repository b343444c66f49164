using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class ExponentialTests
{
    private static Distribution Make(Tensor[] t) => new Exponential(t[0]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.7)]
    [InlineData(3.0)]
    public void DensityMomentsAndEntropyMatchIntegration(double a0)
    {
        var d = Build(a0);
        FamilyChecks.ContinuousMatchesIntegration(d, [d.Mean.ToScalar()]);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(3.0)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0) => FamilyChecks.SampleMomentsMatch(Build(a0), 20240601UL);

    [Theory]
    [InlineData(0.7)]
    [InlineData(3.0)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0) =>
        FamilyChecks.GradientsMatch(Make, [a0], [0.2, 1.1, 3.0]);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.7], [-0.5, -3.0]);

    [Theory]
    [InlineData(0.7)]
    [InlineData(3.0)]
    public void CdfMatchesTheIntegratedDensity(double a0) => FamilyChecks.CdfMatchesIntegration(Build(a0), [0.0, 0.4, 2.5]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Exponential(-1.5), "Exponential: rate must be positive and finite, got -1.5");
}
