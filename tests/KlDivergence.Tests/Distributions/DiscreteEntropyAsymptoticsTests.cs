using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Poisson and Binomial entropies at large rates and counts. References worked here: (1) the sum -Σ p log p with
/// log p built by the ratio recurrence log(p_{k+1}/p_k) from the mode and normalised by its own log-sum-exp (no
/// log-gamma cancellation, about 1e-14 relative), over the mode ± 50 standard deviations; (2) at rates beyond any sum,
/// the published expansion ½ log(2πeλ) - 1/(12λ) - 1/(24λ²) - 19/(360λ³) (Evans et al., SIAM Review 1988) and the
/// normal limit ½ log(2πe np(1 - p)).
/// </summary>
public class DiscreteEntropyAsymptoticsTests
{
    private static double EntropyByRecurrence(Func<int, double> logRatio, int mode, int lo, int hi)
    {
        var l = new double[hi - lo + 1];
        for (int k = mode + 1; k <= hi; k++)
        {
            l[k - lo] = l[k - 1 - lo] + logRatio(k - 1);
        }

        for (int k = mode - 1; k >= lo; k--)
        {
            l[k - lo] = l[k + 1 - lo] - logRatio(k);
        }

        double z = l.Sum(Math.Exp), logZ = Math.Log(z);
        double weighted = l.Sum(x => Math.Exp(x) * x);
        return logZ - (weighted / z);
    }

    private static double PoissonReference(double lambda)
    {
        int mode = (int)Math.Floor(lambda), reach = (int)(50 * Math.Sqrt(lambda)) + 50;
        return EntropyByRecurrence(k => Math.Log(lambda / (k + 1)), mode, Math.Max(0, mode - reach), mode + reach);
    }

    private static double BinomialReference(int n, double p)
    {
        int mode = (int)Math.Floor((n + 1) * p), reach = (int)(50 * Math.Sqrt(n * p * (1 - p))) + 50;
        return EntropyByRecurrence(k => Math.Log((n - k) / (k + 1.0) * (p / (1 - p))), mode, Math.Max(0, mode - reach), Math.Min(n, mode + reach));
    }

    [Theory]
    [InlineData(3.5, 1e-14)]
    [InlineData(999.5, 1e-12)] // the library's direct sum: log-gamma cancellation costs ~1e-13 here
    [InlineData(1000, 1e-14)]
    [InlineData(1500.5, 1e-14)]
    [InlineData(4000, 1e-14)]
    public void PoissonEntropyMatchesTheRecurrenceSumOnBothSidesOfTheSeriesThreshold(double lambda, double tolerance)
    {
        double expected = PoissonReference(lambda);
        new Poisson(lambda).Entropy().ToScalar().Should().BeApproximately(expected, tolerance * expected);
    }

    [Fact]
    public void PoissonEntropyAtRate1e12IsThePublishedExpansionAndMixedBatchesKeepEachLane()
    {
        // Issue 12: threw OverflowException (the sum's upper index overflowed an int).
        double lambda = 1e12;
        double expected = (0.5 * Math.Log(2 * Math.PI * Math.E * lambda)) - (1 / (12 * lambda)) - (1 / (24 * lambda * lambda));
        new Poisson(lambda).Entropy().ToScalar().Should().BeApproximately(expected, 1e-15 * expected);

        var batch = new Poisson(Tensor.Vector(3.5, 1e12, 1500.5)).Entropy();
        batch.Values[0].Should().BeApproximately(PoissonReference(3.5), 1e-14 * PoissonReference(3.5));
        batch.Values[1].Should().BeApproximately(expected, 1e-15 * expected);
        batch.Values[2].Should().BeApproximately(PoissonReference(1500.5), 1e-14 * PoissonReference(1500.5));
    }

    [Fact]
    public void PoissonEntropyGradientAtLargeRatesIsTheDerivativeOfTheExpansion()
    {
        // d/dλ [½ log(2πeλ) - 1/(12λ) - 1/(24λ²) - 19/(360λ³)] = 1/(2λ) + 1/(12λ²) + 1/(12λ³) + 19/(120λ⁴).
        double lambda = 1e4;
        var rate = Tensor.Scalar(lambda, requiresGrad: true);
        new Poisson(rate).Entropy().Backward();
        double expected = (1 / (2 * lambda)) + (1 / (12 * lambda * lambda)) + (1 / (12 * lambda * lambda * lambda));
        rate.Grad!.ToScalar().Should().BeApproximately(expected, 1e-12 * expected);
    }

    [Theory]
    [InlineData(30, 0.3, 1e-13)]
    [InlineData(20000, 0.3, 1e-10)]   // window sum; log C(n, k) from log-gamma of ~1.8e5 costs ~1e-11
    [InlineData(200000, 0.5, 1e-14)]  // v = 5e4: the series
    [InlineData(1000000, 0.1, 1e-14)] // v = 9e4: the series
    public void BinomialEntropyMatchesTheRecurrenceSum(int n, double p, double tolerance)
    {
        double expected = BinomialReference(n, p);
        new Binomial(n, p).Entropy().ToScalar().Should().BeApproximately(expected, tolerance * expected);
    }

    [Fact]
    public void BinomialEntropyAtTenBillionTrialsIsTheNormalLimit()
    {
        // p = ½: u = ¼ and the 1/v term vanishes; the 1/v² term is 1/(192v²) ≈ 8e-22: the normal limit to rounding.
        double v = 1e10 * 0.25;
        double expected = 0.5 * Math.Log(2 * Math.PI * Math.E * v);
        new Binomial(1e10, 0.5).Entropy().ToScalar().Should().BeApproximately(expected, 1e-15 * expected);
    }
}
