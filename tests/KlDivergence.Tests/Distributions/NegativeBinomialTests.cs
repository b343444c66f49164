using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class NegativeBinomialTests
{
    private static NegativeBinomial Make(Tensor[] t) => new NegativeBinomial(t[0], t[1]);

    [Theory]
    [InlineData(0.6, 0.3)]
    [InlineData(3.0, 0.5)]
    [InlineData(7.5, 0.8)]
    public void PmfSumsToOneAndMomentsMatchTheSums(double r, double p)
    {
        var d = new NegativeBinomial(r, p);
        double total = 0, m1 = 0, m2 = 0;
        using var scope = Tensor.NoGrad();
        for (int k = 0; k <= 2000; k++)
        {
            double pk = Math.Exp(d.LogProb(k).ToScalar());
            total += pk;
            m1 += pk * k;
            m2 += pk * k * k;
        }

        total.Should().BeApproximately(1, 1e-12);
        m1.Should().BeApproximately(d.Mean.ToScalar(), 1e-10 * Math.Max(1, m1));
        (m2 - (m1 * m1)).Should().BeApproximately(d.Variance.ToScalar(), 1e-9 * Math.Max(1, m2));
        d.LogProb(0.5).ToScalar().Should().Be(double.NegativeInfinity);
        d.LogProb(-1).ToScalar().Should().Be(double.NegativeInfinity);
    }

    [Theory]
    [InlineData(0.6, 0.3)]
    [InlineData(7.5, 0.8)]
    public void LogProbAndCdfMatchMathNet(double r, double p)
    {
        // MathNet counts failures before the r-th success with success probability 1 - p (the roles swapped).
        var reference = new MathNet.Numerics.Distributions.NegativeBinomial(r, 1 - p);
        using var scope = Tensor.NoGrad();
        foreach (int k in new[] { 0, 1, 4, 30 })
        {
            new NegativeBinomial(r, p).LogProb(k).ToScalar().Should().BeApproximately(reference.ProbabilityLn(k), 1e-12);
            new NegativeBinomial(r, p).Cdf(k + 0.5).ToScalar().Should().BeApproximately(reference.CumulativeDistribution(k), 1e-11);
        }
    }

    [Theory]
    [InlineData(0.6, 0.3)]
    [InlineData(7.5, 0.8)]
    public void CdfIsTheRunningSumOfThePmf(double r, double p)
    {
        var d = new NegativeBinomial(r, p);
        using var scope = Tensor.NoGrad();
        d.Cdf(-0.5).ToScalar().Should().Be(0);
        double sum = 0;
        for (int k = 0; k <= 60; k++)
        {
            sum += Math.Exp(d.LogProb(k).ToScalar());
            d.Cdf(k).ToScalar().Should().BeApproximately(sum, 1e-12, $"P(X ≤ {k})");
            d.Cdf(k + 0.7).ToScalar().Should().BeApproximately(sum, 1e-12, $"P(X ≤ {k} + 0.7)");
        }
    }

    [Theory]
    [InlineData(0.6, 0.3)]
    [InlineData(3.0, 0.5)]
    [InlineData(7.5, 0.8)]
    public void SampleMomentsAreWithinFiveStandardErrors(double r, double p) => FamilyChecks.SampleMomentsMatch(new NegativeBinomial(r, p), 20240601UL);

    [Fact]
    public void SamplesAreReproducibleWholeNumbers()
    {
        var x = new NegativeBinomial(2.5, 0.4).Sample(1000, new RandomStream(3UL)).ToArray();
        x.Should().Equal(new NegativeBinomial(2.5, 0.4).Sample(1000, new RandomStream(3UL)).ToArray());
        x.Should().OnlyContain(v => v >= 0 && v == Math.Floor(v));
    }

    [Fact]
    public void LogProbAndCdfGradientsMatchFiniteDifferences()
    {
        GradCheck.Check(t => GradCheck.Project(Make(t).LogProb(new[] { 0.0, 2.0, 9.0 })), [[2.5], [0.4]], [[], []], tolerance: 1e-5);
        GradCheck.Check(t => GradCheck.Project(Make(t).Cdf(new[] { 0.0, 2.0, 9.0 })), [[2.5], [0.4]], [[], []], tolerance: 1e-5);
    }

    [Fact]
    public void InvalidParametersAreRejectedWithFamilyParameterAndValue()
    {
        FamilyChecks.Rejects(() => _ = new NegativeBinomial(0.0, 0.5), "NegativeBinomial: totalCount must be positive and finite, got 0");
        FamilyChecks.Rejects(() => _ = new NegativeBinomial(2.0, 1.0), "NegativeBinomial: probs must be in (0, 1), got 1");
    }

    [Theory]
    [InlineData(1e15, 1e-15)]
    [InlineData(1e12, 2e-12)]
    [InlineData(1e9, 1e-9)]
    [InlineData(2500.5, 0.7)]
    public void LogProbKeepsItsPrecisionAtHugeCounts(double r, double p)
    {
        // log P(k) = Σ_{i<k} log((r + i)/(i + 1)) + r log(1 - p) + k log p, with log(1 - p) by its series where p is tiny:
        // every term is of order 1 at these r, so the reference has no cancellation; the lgamma sum's terms are of
        // order r log r. r = 2500.5, p = 0.7 takes the reflected branch.
        var nb = new NegativeBinomial(r, p);
        double logQ = p < 1e-6 ? -p - (p * p / 2) - (p * p * p / 3) : Math.Log(1 - p);
        for (int k = 0; k <= 6; k++)
        {
            double reference = (r * logQ) + (k * Math.Log(p));
            for (int i = 0; i < k; i++)
            {
                reference += Math.Log((r + i) / (i + 1));
            }

            nb.LogProb(Tensor.Scalar(k)).ToScalar().Should().BeApproximately(reference, 1e-12 * Math.Max(1, Math.Abs(reference)), $"k = {k}");
        }
    }
}
