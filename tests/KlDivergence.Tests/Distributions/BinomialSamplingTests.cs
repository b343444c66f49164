using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Binomial draws: whole numbers in [0, n] for n up to 10¹⁵ (exactly, not capped at 2³¹); moments of 10⁵ seeded
/// draws against the exact mean np, variance npq and fourth central moment npq(1 + 3pq(n − 2)); the pmf by
/// chi-square against MathNet; counts above 2⁵³ rejected by name and value.
/// </summary>
public class BinomialSamplingTests
{
    public static TheoryData<double, double> ValidityCases()
    {
        var data = new TheoryData<double, double>();
        foreach (double n in new[] { 0.0, 1, 10, 1e3, 1e6, 1e12, 1e15 })
        {
            foreach (double p in new[] { 0.0, 1e-13, 0.3, 0.5, 0.97, 1.0 })
            {
                data.Add(n, p);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidityCases))]
    public void DrawsAreWholeInRangeAndHaveFiniteLogProb(double n, double p)
    {
        var d = new Binomial(n, p);
        var x = d.Sample(500, new RandomStream(5));
        x.ToArray().Should().OnlyContain(v => v >= 0 && v <= n && v == Math.Floor(v));
        d.LogProb(x).ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Theory]
    [InlineData(20.0, 0.3)]
    [InlineData(1e4, 0.5)]
    [InlineData(1e6, 1e-5)]
    [InlineData(1e10, 0.5)]
    [InlineData(1e12, 0.999)]
    [InlineData(1e15, 0.3)]
    [InlineData(1e15, 2e-15)]
    [InlineData(1e15, 5e-13)]
    public void MomentsOfDrawsAreWithinFiveStandardErrors(double n, double p)
    {
        var x = new Binomial(n, p).Sample(100_000, new RandomStream(20251202UL)).ToArray();
        double q = 1 - p, variance = n * p * q;
        SamplerChecks.MomentsMatch(x, n * p, variance, variance * (1 + (3 * p * q * (n - 2))), $"Binomial({n}, {p})");
    }

    [Fact]
    public void TenThousandDrawsOfTenBillionTrialsAreExact()
    {
        // The old sampler summed n Bernoulli draws with n cast to int (2³¹ − 1), so its mean was about 1.07e9.
        var x = new Binomial(1e10, 0.5).Sample(10_000, new RandomStream(1)).ToArray();
        SamplerChecks.MomentsMatch(x, 5e9, 2.5e9, 2.5e9 * (1 + (0.75 * (1e10 - 2))), "Binomial(1e10, 0.5)");
    }

    [Fact]
    public void DefaultKlAgainstPoissonAtTenBillionTrialsMatchesTheExactSum()
    {
        // With the old sampler this fell to Monte Carlo at 4.5 s a draw. The reference sums
        // P(k)(log P(k) − log Q(k)) over k within 10 standard deviations of the mean (the rest has mass below 1e-22):
        // both log-pmfs start from log Γ at the lowest k and follow the ratios P(k + 1)/P(k) = (n − k)p/((k + 1)q)
        // and Q(k + 1)/Q(k) = λ/(k + 1), good to ~1e-5 here, far below the Monte Carlo error.
        const double n = 1e10, p = 0.5, rate = 5e9;
        double sd = Math.Sqrt(n * p * (1 - p)), exact = 0;
        double k = Math.Floor(rate - (10 * sd));
        double logP = MathNet.Numerics.SpecialFunctions.GammaLn(n + 1) - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1)
            - MathNet.Numerics.SpecialFunctions.GammaLn(n - k + 1) + (n * Math.Log(0.5));
        double logQ = (k * Math.Log(rate)) - rate - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1);
        for (; k <= rate + (10 * sd); k++)
        {
            exact += Math.Exp(logP) * (logP - logQ);
            logP += Math.Log((n - k) / (k + 1));
            logQ += Math.Log(rate / (k + 1));
        }

        var result = Kl.Divergence(new Binomial(n, p), new Poisson(rate));
        double value = result.Value.ToScalar(), se = result.StandardError.ToScalar();
        Math.Abs(value - exact).Should().BeLessThanOrEqualTo(Math.Max(5 * se, 1e-4), $"{value} ± {se} vs exact sum {exact}");
    }

    [Theory]
    [InlineData(20, 0.3)]
    [InlineData(7, 0.9)]
    [InlineData(40, 0.2)]
    [InlineData(40, 0.26)]
    [InlineData(1000, 0.3)]
    [InlineData(1000, 0.995)]
    [InlineData(2000000, 4e-6)]
    public void PmfOfDrawsPassesChiSquareAgainstMathNet(int n, double p)
    {
        var x = new Binomial(n, p).Sample(100_000, new RandomStream(7)).ToArray();
        SamplerChecks.ChiSquareMatchesPmf(x, k => MathNet.Numerics.Distributions.Binomial.PMF(p, n, k), Math.Min(n, 2000), $"Binomial({n}, {p})");
    }

    [Fact]
    public void TheSameSeedGivesTheSameDraws()
    {
        var d = new Binomial(Tensor.FromArray([5, 1e9, 1e15], [3]), 0.4);
        d.Sample(500, new RandomStream(3)).ToArray().Should().Equal(d.Sample(500, new RandomStream(3)).ToArray());
    }

    [Fact]
    public void CountsAboveTwoToTheFiftyThreeAreRejectedWithNameAndValue()
    {
        FamilyChecks.Rejects(() => _ = new Binomial(1e16, 0.5), "Binomial: totalCount must be at most 2^53 = 9007199254740992*got 10000000000000000");
        FluentActions.Invoking(() => new Binomial(1e16, 0.5)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("totalCount");
        _ = new Binomial(9007199254740992.0, 0.5);
    }
}
