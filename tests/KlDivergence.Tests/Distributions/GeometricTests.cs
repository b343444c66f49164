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

    [Fact]
    public void CountsGiveTheFormulaAndABatchWithANonCountMasksOnlyIt()
    {
        // log P(k) = k log(1 - p) + log p, worked here, on counts alone (no mask built) and beside values that are not
        // counts (-1, 2.5, ∞, NaN: -∞ there, the formula elsewhere).
        var d = new Geometric(0.3);
        double[] counts = [0, 1, 2, 7, 40];
        d.LogProb(Tensor.Vector(counts)).ToArray().Should().Equal(
            counts.Select(k => (k * Math.Log(0.7)) + Math.Log(0.3)).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-14 * (1 + Math.Abs(b)));
        var mixed = d.LogProb(Tensor.Vector(3, -1, 2.5, double.PositiveInfinity, double.NaN, 0)).ToArray();
        mixed[0].Should().BeApproximately((3 * Math.Log(0.7)) + Math.Log(0.3), 1e-14);
        mixed[1..5].Should().AllSatisfy(v => v.Should().Be(double.NegativeInfinity));
        mixed[5].Should().BeApproximately(Math.Log(0.3), 1e-15);
    }
}
