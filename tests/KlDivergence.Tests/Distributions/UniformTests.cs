using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class UniformTests
{
    private static Distribution Make(Tensor[] t) => new Uniform(t[0], t[1]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(-1.0, 2.5)]
    [InlineData(0.3, 0.4)]
    public void DensityMomentsAndEntropyMatchIntegration(double a0, double a1)
    {
        var d = Build(a0, a1);
        FamilyChecks.ContinuousMatchesIntegration(d, []);
    }

    [Theory]
    [InlineData(-1.0, 2.5)]
    [InlineData(0.3, 0.4)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0, double a1) => FamilyChecks.SampleMomentsMatch(Build(a0, a1), 20240601UL);

    [Theory]
    [InlineData(-1.0, 2.5)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0, double a1) =>
        FamilyChecks.GradientsMatch(Make, [a0, a1], [-0.5, 0.1, 2.0]);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [-1.0, 2.5], [-1.5, 3.0]);

    [Theory]
    [InlineData(-1.0, 2.5)]
    [InlineData(0.3, 0.4)]
    public void CdfMatchesTheIntegratedDensity(double a0, double a1) => FamilyChecks.CdfMatchesIntegration(Build(a0, a1), [-2.0, 0.0, 1.0, 3.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Uniform(2.0, 1.0), "Uniform: high must be greater than low (2), got 1");
}
