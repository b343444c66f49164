using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class BinomialTests
{
    private static Distribution Make(Tensor[] t) => new Binomial(12, t[0]);

    private static Distribution Build(params double[] a) => Make([.. a.Select(v => (Tensor)v)]);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void PmfMomentsAndEntropyMatchSums(double a0) => FamilyChecks.DiscreteMatchesSums(Build(a0), 12);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void SampleMomentsAreWithinFiveStandardErrors(double a0) => FamilyChecks.SampleMomentsMatch(Build(a0), 20240601UL);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void LogProbAndEntropyGradientsMatchFiniteDifferences(double a0) =>
        FamilyChecks.GradientsMatch(Make, [a0], [0.0, 4.0, 12.0], differentiableValue: false);

    [Fact]
    public void LogProbIsMinusInfinityOutsideTheSupportWithFiniteGradients() =>
        FamilyChecks.OutsideSupportIsMinusInfinity(Make, [0.3], [-1.0, 0.5, 13.0]);

    [Theory]
    [InlineData(1e15, 1e-15)]
    [InlineData(1e12, 3e-12)]
    [InlineData(1e9, 1e-9)]
    public void LogProbKeepsItsPrecisionAtHugeCountsAndTinyProbabilities(double n, double p)
    {
        // log P(k) = Σ_{i<k} log((n - i)/(i + 1)) + k log p + (n - k) log(1 - p), with log(1 - p) = -p - p²/2 - p³/3 (p is
        // tiny, so the next term is below 1e-45): every term is of order 1, so the reference has no cancellation. The
        // lgamma sum's terms are of order n log n here and cancelled to nothing (+0.46 for log P(1) at n = 1e15).
        var binomial = new Binomial(n, p);
        for (int k = 0; k <= 5; k++)
        {
            double reference = (k * Math.Log(p)) + ((n - k) * (-p - (p * p / 2) - (p * p * p / 3)));
            for (int i = 0; i < k; i++)
            {
                reference += Math.Log((n - i) / (i + 1));
            }

            binomial.LogProb(Tensor.Scalar(k)).ToScalar().Should().BeApproximately(reference, 1e-13 * Math.Max(1, Math.Abs(reference)), $"k = {k}");
        }
    }

    [Fact]
    public void LogProbAboveOneHalfMatchesMathNet()
    {
        // The saddle-point form is evaluated on the reflected count (n - k, 1 - p) where p > ½.
        var binomial = new Binomial(1000, 0.85);
        foreach (int k in new[] { 0, 1, 700, 850, 999, 1000 })
        {
            double expected = MathNet.Numerics.Distributions.Binomial.PMFLn(0.85, 1000, k);
            binomial.LogProb(Tensor.Scalar(k)).ToScalar().Should().BeApproximately(expected, 1e-11 * Math.Max(1, Math.Abs(expected)), $"k = {k}");
        }
    }

    [Fact]
    public void ACountAboveOneRowsTotalIsMinusInfinityThereAndExactInTheOthers()
    {
        // n = [2, 5] against k = [4, 4]: every value is a count and below the largest n, but not the smallest.
        // The -∞ is a constant: it pulls on no parameter (the unmasked sum, -∞ only through log Γ's pole, would).
        var probs = Tensor.FromArray([0.3, 0.3], [2], requiresGrad: true);
        var logProb = new Binomial(Tensor.Vector(2, 5), probs).LogProb(Tensor.Vector(4, 4));
        var lp = logProb.ToArray();
        lp[0].Should().Be(double.NegativeInfinity);
        lp[1].Should().BeApproximately(MathNet.Numerics.Distributions.Binomial.PMFLn(0.3, 5, 4), 1e-13);
        logProb.Select(0, 0).Backward();
        probs.Grad!.Values.ToArray().Should().Equal(0.0, 0.0);
    }

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue() =>
        FamilyChecks.Rejects(() => _ = new Binomial(2.5, 0.5), "Binomial: totalCount must be a non-negative whole number, got 2.5");
}
