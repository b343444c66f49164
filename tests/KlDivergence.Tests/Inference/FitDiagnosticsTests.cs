using KlDivergence.Diagnostics;
using KlDivergence.Inference;

namespace KlDivergence.Tests.Inference;

/// <summary>FitDiagnostics against importance ratios with a known Pareto tail and estimates known in closed form.</summary>
public class FitDiagnosticsTests
{
    [Theory]
    [InlineData(0.2)]
    [InlineData(0.7)]
    [InlineData(1.5)]
    public void KHatOfRatiosWithAKnownParetoTailIsItsShape(double k)
    {
        // Ratios p/q = U^(-k) (Pareto type I, tail shape k above any threshold) given as log p - log q = -k log U with
        // log q = 0. With S = 10 000, M = 300 and the shape's sampling sd (1 + k)/√M; PSIS's prior moves the centre to
        // (Mk + 5)/(M + 10) (as ParetoSmoothingTests derives). Within 4 sd.
        const int s = 10_000;
        var rng = new System.Random(3);
        var logP = Enumerable.Range(0, s).Select(_ => -k * Math.Log(1 - rng.NextDouble())).ToArray();
        var fit = FitDiagnostics.FromDraws(new double[s], 1, logP, new double[s], 0, s);
        int m = ParetoSmoothing.TailLength(s);
        fit.ParetoK.Should().BeApproximately(((m * k) + 5) / (m + 10.0), 4 * (1 + k) / Math.Sqrt(m));
        fit.IsReliable.Should().Be(fit.ParetoK < 0.7);
    }

    [Fact]
    public void ElboAndWeightedMeansFollowTheirDefinitions()
    {
        // 40 draws x = 0, 1, ..., 39 with log q = 0 and log p = log(1 + x/39) (ratios between 1 and 2, a bounded tail:
        // nothing heavy to smooth, so the smoothed weights are the ratios up to the tail's fitted order statistics).
        const int s = 40;
        var x = Enumerable.Range(0, s).Select(i => (double)i).ToArray();
        var logP = x.Select(v => Math.Log(1 + (v / 39))).ToArray();
        var fit = FitDiagnostics.FromDraws(x, 1, logP, new double[s], 5, s);
        double mean = logP.Average();
        fit.Elbo.Should().BeApproximately(mean, 1e-14);
        fit.ElboStandardError.Should().BeApproximately(Math.Sqrt(logP.Sum(v => (v - mean) * (v - mean)) / (s - 1) / s), 1e-14);
        fit.ParetoK.Should().BeLessThan(0.7);

        // Self-normalised with the raw ratios: Σ x(1 + x/39) / Σ (1 + x/39); smoothing moves only the top M = 8 ratios
        // slightly, so the estimate stays within a few per cent of it.
        double raw = x.Sum(v => v * (1 + (v / 39))) / x.Sum(v => 1 + (v / 39));
        fit.ImportanceWeightedMeans[0].Should().BeApproximately(raw, 0.05 * raw);
        fit.GradientEvaluations.Should().Be(5);
        fit.DrawCount.Should().Be(s);
    }

    [Fact]
    public void EffectiveSampleSizeIsOneOverTheSumOfSquaredWeights()
    {
        // Equal ratios: every weight 1/S, so 1/Σw² = S.
        const int s = 200;
        var equal = FitDiagnostics.FromDraws(new double[s], 1, Enumerable.Repeat(-1.5, s).ToArray(), new double[s], 0, s);
        equal.EffectiveSampleSize.Should().BeApproximately(s, 1e-9 * s);

        // Two draws carrying all the (unsmoothed: S = 2 is too few for a tail fit) weight equally: 2.
        var two = FitDiagnostics.FromDraws(new double[2], 1, [0.3, 0.3], new double[2], 0, 2);
        two.EffectiveSampleSize.Should().BeApproximately(2, 1e-12);
    }

    [Fact]
    public void DrawsOutsideTheSupportKeepZeroWeightAfterSmoothing()
    {
        // 30 draws with ratio 1 and 170 outside p's support (ratio 0): the smoothing tail (40 largest) reaches 10 of the
        // latter; they are not exceedances of the threshold and must keep weight 0, so the weights are 1/30 on the 30.
        const int s = 200, k = 30;
        var logP = Enumerable.Range(0, s).Select(i => i < k ? 0.0 : double.NegativeInfinity).ToArray();
        var fit = FitDiagnostics.FromDraws(Enumerable.Range(0, s).Select(i => (double)i).ToArray(), 1, logP, new double[s], 0, s);
        fit.ImportanceWeightedMeans[0].Should().BeLessThan(k, "only draws 0..29 carry weight");
        fit.EffectiveSampleSize.Should().BeLessThanOrEqualTo(k + 1e-9);
    }
}
