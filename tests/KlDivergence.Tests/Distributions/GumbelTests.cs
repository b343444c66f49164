using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class GumbelTests
{
    private static Distribution Make(Tensor[] t) => new Gumbel(t[0], t[1]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void DensityMomentsAndEntropyMatchIntegration(double a0, double a1)
    {
        var d = Build(a0, a1);
        FamilyChecks.ContinuousMatchesIntegration(d, [d.Mean.ToScalar()]);
    }

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0, double a1) => FamilyChecks.SampleMomentsMatch(Build(a0, a1), 20240601UL);

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0, double a1) =>
        FamilyChecks.GradientsMatch(Make, [a0, a1], [-0.7, 0.1, 2.0]);

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void CdfMatchesTheIntegratedDensity(double a0, double a1) => FamilyChecks.CdfMatchesIntegration(Build(a0, a1), [-3.0, 0.5, 4.0]);

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Gumbel(0.0, 0.0), "Gumbel: scale must be positive and finite, got 0");
}
