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

    [Theory]
    [InlineData(1e15)]
    [InlineData(1e12)]
    [InlineData(1e9)]
    public void LogProbKeepsItsPrecisionAtHugeRates(double rate)
    {
        // From Stirling's series, log P(λ) = λ log λ - λ - log Γ(λ + 1) = -½ log(2πλ) - 1/(12λ) + O(λ⁻³), and
        // log P(λ + m) = log P(λ) - Σᵢ₌₁..ₘ log(1 + i/λ), the logarithm by its series (i/λ ≤ 1e-6 here). The lgamma sum's
        // terms are of order λ log λ and cancelled: at λ = 1e15 it gave -24 for log P(λ), where the value is -18.19.
        var poisson = new Poisson(rate);
        double atMode = (-0.5 * Math.Log(2 * Math.PI * rate)) - (1 / (12 * rate));
        foreach (int m in new[] { 0, 1, 1000 })
        {
            double reference = atMode;
            for (int i = 1; i <= m; i++)
            {
                double t = i / rate;
                reference -= t - (t * t / 2) + (t * t * t / 3);
            }

            poisson.LogProb(Tensor.Scalar(rate + m)).ToScalar().Should().BeApproximately(reference, 1e-13 * Math.Abs(reference), $"k = λ + {m}");
        }
    }

    [Fact]
    public void ABatchMixingSmallAndHugeRatesGetsEachRight()
    {
        // Element by element: the small rate by the lgamma sum (against MathNet), the huge one by the saddle-point form
        // (against Stirling's series, as above), and the gradient in the small rate is (k - λ)/λ.
        var rates = Tensor.FromArray([5.0, 1e12], [2], requiresGrad: true);
        var lp = new Poisson(rates).LogProb(Tensor.Vector(3.0, 1e12));
        lp.Values[0].Should().BeApproximately(MathNet.Numerics.Distributions.Poisson.PMFLn(5, 3), 1e-13);
        double stirling = (-0.5 * Math.Log(2 * Math.PI * 1e12)) - (1 / (12 * 1e12));
        lp.Values[1].Should().BeApproximately(stirling, 1e-13 * Math.Abs(stirling));
        lp.Sum().Backward();
        rates.Grad!.Values[0].Should().BeApproximately((3 - 5) / 5.0, 1e-14);
    }
}
