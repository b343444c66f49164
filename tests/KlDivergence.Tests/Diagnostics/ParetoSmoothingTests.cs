using KlDivergence.Diagnostics;

namespace KlDivergence.Tests.Diagnostics;

/// <summary>
/// The Pareto k-hat and PSIS against draws whose tail is known exactly, and a worked example of the smoothing
/// computed step by step from the papers' formulas.
/// </summary>
public class ParetoSmoothingTests
{
    /// <summary>Pareto type I draws X = U^(-k): above any threshold u, X - u is generalized Pareto with shape k and scale k·u.</summary>
    private static double[] ParetoDraws(int n, double k, int seed)
    {
        var rng = new System.Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => Math.Pow(1 - rng.NextDouble(), -k))];
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.7)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void ParetoKRecoversAKnownTailShapeWithinItsSamplingError(double k)
    {
        // 10 000 draws: M = ⌈min(2000, 300)⌉ = 300 tail values. The shape estimate's sampling sd is (1 + k)/√M
        // (the generalized Pareto MLE's asymptotic variance (1 + k)²/M, Smith 1985), and PSIS's prior moves its
        // centre to (M·k + 5)/(M + 10). Each of 10 seeds within 4 sd; their mean within 4 sd/√10.
        const int n = 10_000, seeds = 10;
        int m = ParetoSmoothing.TailLength(n);
        m.Should().Be(300);
        double sd = (1 + k) / Math.Sqrt(m);
        double centre = ((m * k) + 5) / (m + 10.0);
        var estimates = Enumerable.Range(1, seeds).Select(s => ParetoSmoothing.ParetoK(ParetoDraws(n, k, s))).ToArray();
        foreach (double e in estimates)
        {
            e.Should().BeApproximately(centre, 4 * sd);
        }

        estimates.Average().Should().BeApproximately(centre, 4 * sd / Math.Sqrt(seeds));
    }

    [Fact]
    public void LightAndBoundedTailsGiveSmallOrNegativeShapes()
    {
        // Exponential draws: generalized Pareto with k = 0 above any threshold; uniform draws: k = -1.
        var rng = new System.Random(5);
        var exponential = Enumerable.Range(0, 10_000).Select(_ => -Math.Log(1 - rng.NextDouble())).ToArray();
        var uniform = Enumerable.Range(0, 10_000).Select(_ => rng.NextDouble()).ToArray();
        double sd = 1 / Math.Sqrt(300);
        ParetoSmoothing.ParetoK(exponential).Should().BeApproximately(5 / 310.0, 4 * sd);
        ParetoSmoothing.ParetoK(uniform).Should().BeLessThan(-0.5);

        // Both tails: negating Pareto draws moves the heavy tail to the left, where the right-tail k-hat does not
        // look but |x - median| does (its largest values are x's left tail, shifted: the same exceedances).
        var heavy = ParetoDraws(10_000, 1.0, 3);
        ParetoSmoothing.ParetoK(heavy.Select(v => -v).ToArray()).Should().BeLessThan(0);
        ParetoSmoothing.AbsoluteDeviationParetoK(heavy.Select(v => -v).ToArray()).Should().BeApproximately(ParetoSmoothing.ParetoK(heavy), 1e-12);
        ParetoSmoothing.ParetoK(heavy).Should().BeApproximately(305 / 310.0, 4 * 2 / Math.Sqrt(300));
    }

    [Fact]
    public void DegenerateSamplesGiveInfiniteShapesNotNaN()
    {
        // Too few values for a 5-value tail (S = 20 gives M = 4), a +∞ value, and a flat tail (ties: no exceedances).
        ParetoSmoothing.ParetoK(ParetoDraws(20, 0.3, 1)).Should().Be(double.PositiveInfinity);
        var withInfinity = ParetoDraws(1000, 0.3, 1);
        withInfinity[17] = double.PositiveInfinity;
        ParetoSmoothing.ParetoK(withInfinity).Should().Be(double.PositiveInfinity);
        var twoValues = Enumerable.Range(0, 1000).Select(i => i % 3 == 0 ? 1.0 : 0.0).ToArray();
        ParetoSmoothing.AbsoluteDeviationParetoK(twoValues).Should().Be(double.NegativeInfinity);
        var act = () => ParetoSmoothing.ParetoK([1.0, double.NaN]);
        act.Should().Throw<ArgumentException>().WithParameterName("values");
    }

    [Fact]
    public void TheGeneralizedParetoFitRecoversShapeAndScale()
    {
        // 20 000 exact draws of GPD(k = 0.4, σ = 2) by inversion, x = σ((1 - u)^(-k) - 1)/k. MLE sds (Smith 1985):
        // sd(k) = (1 + k)/√n, sd(σ) = σ√(2(1 + k)/n). PSIS's prior adds (0.5 - k)·10/(n + 10) to the shape.
        const double k = 0.4, sigma = 2;
        const int n = 20_000;
        var rng = new System.Random(11);
        var x = Enumerable.Range(0, n).Select(_ => sigma * (Math.Pow(1 - rng.NextDouble(), -k) - 1) / k).ToArray();
        var fit = ParetoSmoothing.FitGeneralizedPareto(x);
        fit.ExceedanceCount.Should().Be(n);
        fit.Shape.Should().BeApproximately(k + ((0.5 - k) * 10 / (n + 10)), 4 * (1 + k) / Math.Sqrt(n));
        fit.Scale.Should().BeApproximately(sigma, 4 * sigma * Math.Sqrt(2 * (1 + k) / n));

        // Quantiles by the definition: F(x) = 1 - (1 + kx/σ)^(-1/k), and the exponential limit at k = 0.
        double q = fit.Quantile(0.9);
        (1 - Math.Pow(1 + (fit.Shape * q / fit.Scale), -1 / fit.Shape)).Should().BeApproximately(0.9, 1e-12);
        new GeneralizedParetoFit(0, 3, 1).Quantile(0.5).Should().BeApproximately(3 * Math.Log(2), 1e-15);

        var bad = () => ParetoSmoothing.FitGeneralizedPareto([1.0, 0.0]);
        bad.Should().Throw<ArgumentException>().WithParameterName("exceedances").WithMessage("*0*");
    }

    [Fact]
    public void SmoothingMatchesAWorkedExample()
    {
        // S = 25 log ratios → M = ⌈min(5, 15)⌉ = 5. Worked here from the papers, step by step:
        // 1. shift by the largest log ratio, so ratios are rᵢ = exp(lrᵢ - max) ≤ 1;
        // 2. û = the 6th largest ratio; the 5 largest minus û are the exceedances x₁ ≤ … ≤ x₅;
        // 3. Zhang & Stephens: m = 20 + ⌊√5⌋ = 22 grid points θⱼ = 1/x₅ + (1 - √(m/(j - ½)))/(3x*), x* = x₁
        //    (the ⌊5/4 + ½⌋ = 1st order statistic); ℓ(θ) = 5[log(-θ/k(θ)) - k(θ) - 1] with k(θ) = mean log(1 - θx);
        //    θ̂ = Σ θⱼ e^ℓⱼ / Σ e^ℓⱼ; k = mean log(1 - θ̂x); σ = -k/θ̂; then k ← (5k + 5)/15.
        // 4. the z-th largest (z = 1..5 from the smallest of the five) becomes min(û + σ((1 - pz)^(-k) - 1)/k, 1), pz = (z - ½)/5.
        double[] lr = [.. Enumerable.Range(0, 25).Select(i => 0.15 * i + (0.02 * Math.Sin(i)))];
        lr[24] = 6.0;
        lr[23] = 4.5;
        double max = lr.Max();
        var r = lr.Select(v => Math.Exp(v - max)).ToArray();
        var sortedRatios = r.OrderBy(v => v).ToArray();
        double u = sortedRatios[19];
        var x = sortedRatios[20..].Select(v => v - u).ToArray();
        const int m = 22;
        var theta = new double[m];
        var ell = new double[m];
        for (int j = 1; j <= m; j++)
        {
            theta[j - 1] = (1 / x[4]) + ((1 - Math.Sqrt(m / (j - 0.5))) / (3 * x[0]));
            double kj = x.Select(v => Math.Log(1 - (theta[j - 1] * v))).Average();
            ell[j - 1] = 5 * (Math.Log(-theta[j - 1] / kj) - kj - 1);
        }

        double top = ell.Max();
        double thetaHat = theta.Zip(ell, (t, l) => t * Math.Exp(l - top)).Sum() / ell.Sum(l => Math.Exp(l - top));
        double kRaw = x.Select(v => Math.Log(1 - (thetaHat * v))).Average();
        double sigma = -kRaw / thetaHat;
        double kHat = ((5 * kRaw) + 5) / 15;

        var smoothed = ParetoSmoothing.Smooth(lr);
        smoothed.TailLength.Should().Be(5);
        smoothed.ParetoK.Should().BeApproximately(kHat, 1e-12);
        for (int i = 0; i < 20; i++)
        {
            smoothed.LogWeights[i].Should().Be(lr[i], "ratios outside the tail are unchanged");
        }

        // The five largest raw ratios are at indices 20..24 in increasing order.
        for (int z = 1; z <= 5; z++)
        {
            double pz = (z - 0.5) / 5;
            double expected = Math.Min(u + (sigma * (Math.Pow(1 - pz, -kHat) - 1) / kHat), 1);
            smoothed.LogWeights[19 + z].Should().BeApproximately(Math.Log(expected) + max, 1e-10);
        }

        // The largest ratio (e^6 against e^4.5 for the next) is pulled in, and the normalised weights sum to 1.
        smoothed.LogWeights[24].Should().BeLessThan(6.0);
        smoothed.NormalizedWeights().Sum().Should().BeApproximately(1, 1e-14);
    }

    [Fact]
    public void SmoothingRejectsBadLogRatios()
    {
        var nan = () => ParetoSmoothing.Smooth([0.0, double.NaN, 1.0]);
        nan.Should().Throw<ArgumentException>().WithParameterName("logRatios").WithMessage("*NaN*");
        var inf = () => ParetoSmoothing.Smooth([0.0, double.PositiveInfinity]);
        inf.Should().Throw<ArgumentException>().WithParameterName("logRatios");
        var allZero = () => ParetoSmoothing.Smooth([double.NegativeInfinity, double.NegativeInfinity]);
        allZero.Should().Throw<ArgumentException>().WithParameterName("logRatios");
    }
}
