using KlDivergence.Random;
using MathNet.Numerics;

namespace KlDivergence.Tests.Random;

/// <summary>
/// The samplers' acceptance-test log-probabilities: equal to MathNet's at moderate parameters, and at 10¹⁵ exact in
/// the ratios of neighbouring probabilities, P(k + 1)/P(k) = λ/(k + 1) and (n − k)p/((k + 1)q), worked here with
/// log1p so they carry no cancellation. The textbook k log λ − λ − log Γ(k + 1) is off by units at 10¹⁵.
/// </summary>
public class SaddlePointPmfTests
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(10.0)]
    [InlineData(57.25)]
    [InlineData(4000.0)]
    public void PoissonMatchesMathNetAtModerateRates(double rate)
    {
        foreach (int k in new[] { 0, 1, 2, 5, 15, 16, 30, 40, 100, 3800, 4000, 4300 })
        {
            double reference = MathNet.Numerics.Distributions.Poisson.PMFLn(rate, k);
            SaddlePointPmf.LogPoisson(k, rate).Should().BeApproximately(reference, 1e-12 * Math.Max(1, Math.Abs(reference)), $"k = {k}");
        }
    }

    [Theory]
    [InlineData(40, 0.3)]
    [InlineData(1000, 0.5)]
    [InlineData(100000, 1e-3)]
    public void BinomialMatchesMathNetAtModerateCounts(int n, double p)
    {
        foreach (int k in new[] { 0, 1, 7, 12, 20, 35, 40, 100, 480, 500, 999 }.Where(k => k <= n))
        {
            // MathNet sums log Γ terms of size log Γ(n + 1), so its own rounding error is about 1e-15 of that
            // (2e-10 at n = 10⁵); the 50-digit references below pin the values down further.
            double reference = MathNet.Numerics.Distributions.Binomial.PMFLn(p, n, k);
            double tolerance = 1e-14 * (Math.Abs(reference) + SpecialFunctions.GammaLn(n + 1.0));
            SaddlePointPmf.LogBinomial(k, n, p).Should().BeApproximately(reference, tolerance, $"k = {k}");
        }

        SaddlePointPmf.LogBinomial(n, n, p).Should().BeApproximately(n * Math.Log(p), 1e-12 * Math.Abs(n * Math.Log(p)));
    }

    [Theory]
    [InlineData(1e12)]
    [InlineData(1e15)]
    public void PoissonRatiosAreExactAtHugeRates(double rate)
    {
        double sd = Math.Sqrt(rate);
        foreach (double z in new[] { -6.0, -1.3, 0, 0.7, 4.0 })
        {
            double k = Math.Floor(rate + (z * sd));
            double ratio = ScalarLog1p((rate - k - 1) / (k + 1));
            (SaddlePointPmf.LogPoisson(k + 1, rate) - SaddlePointPmf.LogPoisson(k, rate)).Should().BeApproximately(ratio, 1e-9, $"k = {k}");
        }

        // At the mode, P(λ) ≈ 1/√(2πλ) (the normal limit; relative error O(1/λ)).
        SaddlePointPmf.LogPoisson(rate, rate).Should().BeApproximately(-0.5 * Math.Log(2 * Math.PI * rate), 1e-9);
    }

    [Theory]
    [InlineData(1e15, 0.3)]
    [InlineData(1e15, 0.5)]
    [InlineData(1e12, 1e-4)]
    public void BinomialRatiosAreExactAtHugeCounts(double n, double p)
    {
        double q = 1 - p, sd = Math.Sqrt(n * p * q);
        foreach (double z in new[] { -6.0, -1.3, 0, 0.7, 4.0 })
        {
            double k = Math.Floor((n * p) + (z * sd));

            // log[(n − k)p / ((k + 1)q)] = log1p(((n − k)p − (k + 1)q) / ((k + 1)q)), numerator n·p − k − q exact enough.
            double ratio = ScalarLog1p(((n * p) - k - q) / ((k + 1) * q));
            (SaddlePointPmf.LogBinomial(k + 1, n, p) - SaddlePointPmf.LogBinomial(k, n, p)).Should().BeApproximately(ratio, 1e-8, $"k = {k}");
        }

        // At the mean, P ≈ 1/√(2πnpq) (the normal limit; relative error O(1/(npq))).
        SaddlePointPmf.LogBinomial(n * p, n, p).Should().BeApproximately(-0.5 * Math.Log(2 * Math.PI * n * p * q), 1e-6);
    }

    /// <summary>
    /// log P(k) to 20 digits, computed with 50-digit arithmetic (mpmath: k log λ − λ − log Γ(k + 1), and
    /// log Γ(n + 1) − log Γ(k + 1) − log Γ(n − k + 1) + k log p + (n − k) log(1 − p) with p the exact binary value
    /// of the double), at k = ⌊mean + z·sd⌋ for z = −6, −1.3, 0, 0.7, 4.
    /// </summary>
    public static TheoryData<string, double, double, double, double> HighPrecisionValues() => new()
    {
        { "binomial", 1e5, 0.001, 40, -26.131646647446598698 },
        { "binomial", 1e5, 0.001, 100, -3.2218567074217290746 },
        { "binomial", 1e5, 0.001, 139, -10.166913993064034025 },
        { "binomial", 1e15, 0.3, 299999913051739, -35.408003979303645008 },
        { "binomial", 1e15, 0.3, 299999981161210, -18.253002868325981424 },
        { "binomial", 1e15, 0.3, 300000000000000, -17.4080028565276815 },
        { "binomial", 1e15, 0.3, 300000010143963, -17.653002830254958826 },
        { "binomial", 1e15, 0.3, 300000057965507, -25.408002624576746798 },
        { "binomial", 1e12, 1e-4, 99940003, -28.132529443660258834 },
        { "binomial", 1e12, 1e-4, 100039997, -18.127962620072606049 },
        { "poisson", 0, 1e12, 999994000000, -32.734482091268030533 },
        { "poisson", 0, 1e12, 1000000000000, -14.734449091169030179 },
        { "poisson", 0, 1e12, 1000004000000, -22.734440424519696805 },
        { "poisson", 0, 1e15, 999999810263340, -36.188327848189549134 },
        { "poisson", 0, 1e15, 999999958890390, -19.033326738860467323 },
        { "poisson", 0, 1e15, 1000000000000000, -18.188326730660015455 },
        { "poisson", 0, 1e15, 1000000022135943, -18.433326726169842776 },
        { "poisson", 0, 1e15, 1000000126491106, -26.188326405147589958 },
    };

    [Theory]
    [MemberData(nameof(HighPrecisionValues))]
    public void MatchesFiftyDigitValues(string family, double n, double parameter, double k, double expected)
    {
        double actual = family == "poisson" ? SaddlePointPmf.LogPoisson(k, parameter) : SaddlePointPmf.LogBinomial(k, n, parameter);
        actual.Should().BeApproximately(expected, 1e-10);
    }

    private static double ScalarLog1p(double x) => Math.Abs(x) < 1e-4 ? x - (x * x / 2) + (x * x * x / 3) - (x * x * x * x / 4) : Math.Log(1 + x);
}
