using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class GammaTests
{
    private static Distribution Make(Tensor[] t) => new Gamma(t[0], t[1]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.6, 1.3)]
    [InlineData(2.5, 0.8)]
    [InlineData(9.0, 4.0)]
    public void DensityMomentsAndEntropyMatchIntegration(double a0, double a1)
    {
        var d = Build(a0, a1);
        FamilyChecks.ContinuousMatchesIntegration(d, [d.Mean.ToScalar()]);
    }

    [Theory]
    [InlineData(0.6, 1.3)]
    [InlineData(2.5, 0.8)]
    [InlineData(9.0, 4.0)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0, double a1) => FamilyChecks.SampleMomentsMatch(Build(a0, a1), 20240601UL);

    [Theory]
    [InlineData(0.6, 1.3)]
    [InlineData(2.5, 0.8)]
    [InlineData(9.0, 4.0)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0, double a1) =>
        FamilyChecks.GradientsMatch(Make, [a0, a1], [0.2, 1.1, 3.0]);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.6, 1.3], [-0.5, 0.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Gamma(2.0, 0.0), "Gamma: rate must be positive and finite, got 0");
}
