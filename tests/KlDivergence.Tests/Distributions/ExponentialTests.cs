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

    [Fact]
    public void TheLogDensityIsTheBitsOfLogRateMinusRateTimesValueWithItsGradient()
    {
        // The fused shift log λ + (-λ)x against the two recorded ops it replaces, for a shared and a per-element rate;
        // the rate's gradient Σ (1/λ - x) agrees to rounding (the sums may group differently).
        var x = GradCheck.RandomValues(10_007, 3, 0, 6);
        foreach (var rateValues in new[] { new[] { 1.7 }, GradCheck.RandomValues(10_007, 4, 0.2, 3) })
        {
            int[] shape = rateValues.Length == 1 ? [] : [rateValues.Length];
            var rate = Tensor.FromArray(rateValues, shape, requiresGrad: true);
            var lp = new Exponential(rate).LogProb(Tensor.FromArray(x, [x.Length]));
            var reference = rate.Detach().Log() - (rate.Detach() * Tensor.FromArray(x, [x.Length]));
            lp.ToArray().Select(BitConverter.DoubleToInt64Bits).Should().Equal(reference.ToArray().Select(BitConverter.DoubleToInt64Bits));
            lp.Sum().Backward();
            if (rateValues.Length == 1)
            {
                double expected = x.Sum(v => (1 / 1.7) - v);
                rate.Grad!.ToScalar().Should().BeApproximately(expected, 1e-12 * Math.Abs(x.Sum()));
            }
            else
            {
                for (int i = 0; i < x.Length; i += 997)
                {
                    rate.Grad!.Values[i].Should().BeApproximately((1 / rateValues[i]) - x[i], 1e-15 * (1 + x[i]));
                }
            }
        }
    }
}
