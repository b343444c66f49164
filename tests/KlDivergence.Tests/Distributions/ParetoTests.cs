using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class ParetoTests
{
    private static Distribution Make(Tensor[] t) => new Pareto(t[0], t[1]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(1.0, 5.5)]
    [InlineData(0.5, 6.0)]
    public void DensityMomentsAndEntropyMatchIntegration(double a0, double a1)
    {
        var d = Build(a0, a1);
        FamilyChecks.ContinuousMatchesIntegration(d, [d.Mean.ToScalar()]);
    }

    [Theory]
    [InlineData(1.0, 5.5)]
    [InlineData(0.5, 6.0)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0, double a1) => FamilyChecks.SampleMomentsMatch(Build(a0, a1), 20240601UL);

    [Theory]
    [InlineData(1.0, 5.5)]
    [InlineData(0.5, 6.0)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0, double a1) =>
        FamilyChecks.GradientsMatch(Make, [a0, a1], [1.1, 1.5, 4.0]);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [1.0, 5.5], [0.2, 0.9]);

    [Theory]
    [InlineData(1.0, 5.5)]
    [InlineData(0.5, 6.0)]
    public void CdfMatchesTheIntegratedDensity(double a0, double a1) => FamilyChecks.CdfMatchesIntegration(Build(a0, a1), [0.5, 1.2, 3.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Pareto(1.0, -3.0), "Pareto: alpha must be positive and finite, got -3");
}
