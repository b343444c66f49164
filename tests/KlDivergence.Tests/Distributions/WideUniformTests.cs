using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Uniforms whose width overflows a double (bounds near ±1.8e308), and nearly equal widths. References worked here:
/// the width 2e308 = 2 · 1e308, so log-width = log 2 + log 1e308 = 709.889; the KL between nested uniforms is
/// log(w_q/w_p) = log1p((w_q - w_p)/w_p) with w_q - w_p exact.
/// </summary>
public class WideUniformTests
{
    private static readonly double LogWidth = Math.Log(2) + Math.Log(1e308);

    [Fact]
    public void LogProbAndEntropyOfAWidthBeyondTheDoubleRangeAreFinite()
    {
        var u = new Uniform(-1e308, 1e308);
        u.LogProb(0).ToScalar().Should().BeApproximately(-LogWidth, 1e-14 * LogWidth);
        u.LogProb(-1e308).ToScalar().Should().BeApproximately(-LogWidth, 1e-14 * LogWidth);
        u.Entropy().ToScalar().Should().BeApproximately(LogWidth, 1e-14 * LogWidth);
        u.Mean.ToScalar().Should().Be(0);
        u.Cdf(0).ToScalar().Should().Be(0.5);
        u.Cdf(5e307).ToScalar().Should().BeApproximately(0.75, 1e-15);
        new Uniform(1e308, 1.7e308).Mean.ToScalar().Should().BeApproximately(1.35e308, 1e-15 * 1.35e308);
    }

    [Fact]
    public void NarrowUniformsKeepTheDirectLogWidth()
    {
        var u = new Uniform(1, 1 + 1e-10);
        u.Entropy().ToScalar().Should().Be(Math.Log((1 + 1e-10) - 1));
    }

    [Fact]
    public void SamplesOfAWidthBeyondTheDoubleRangeAreFiniteInsideAndUnbiased()
    {
        const int n = 20000;
        var x = new Uniform(-1e308, 1e308).Sample(n, new RandomStream(20261202UL));
        x.Values.ToArray().Should().OnlyContain(v => double.IsFinite(v) && v >= -1e308 && v <= 1e308);

        // In units of 1e308 the draws are Uniform(-1, 1): mean 0 with standard error (1/√3)/√n.
        double mean = x.Values.ToArray().Select(v => v / 1e308).Average();
        mean.Should().BeApproximately(0, 5 / Math.Sqrt(3 * n));
    }

    [Fact]
    public void WideSamplesHaveTheReparameterisedGradients()
    {
        // x = low + (high - low)U: ∂x/∂low = 1 - U, ∂x/∂high = U, with U = (x - low)/(high - low) recovered in halves.
        var low = Tensor.Scalar(-1e308, requiresGrad: true);
        var high = Tensor.Scalar(1.2e308, requiresGrad: true);
        var x = new Uniform(low, high).ReparameterizedSample(1, new RandomStream(7UL));
        x.Sum().Backward();
        double u = ((x.Values[0] / 2) - (-1e308 / 2)) / ((1.2e308 / 2) - (-1e308 / 2));
        high.Grad!.ToScalar().Should().BeApproximately(u, 1e-12);
        low.Grad!.ToScalar().Should().BeApproximately(1 - u, 1e-12);
    }

    [Fact]
    public void KlBetweenWideUniformsIsTheLogOfTheWidthRatio()
    {
        Kl.Exact(new Uniform(-1e308, 1e308), new Uniform(-1.5e308, 1.5e308)).ToScalar().Should().BeApproximately(Math.Log(1.5), 1e-15);
    }

    [Fact]
    public void KlBetweenNearlyEqualWidthsKeepsFullRelativeAccuracy()
    {
        double wp = 3, wq = 3 + 3e-12;
        double expected = Log1pSeries((wq - wp) / wp);
        Kl.Exact(new Uniform(0, wp), new Uniform(0, wq)).ToScalar().Should().BeApproximately(expected, 1e-14 * expected);
    }

    /// <summary>log(1 + x) = x - x²/2 + x³/3 - … for |x| ≤ 1e-6 (four terms reach below 1e-24 relative).</summary>
    private static double Log1pSeries(double x) => x - (x * x / 2) + (x * x * x / 3) - (x * x * x * x / 4);

    /// <summary>
    /// When every width is finite the log-width skips its overflow selects: a batch of finite widths alone gives the bits
    /// and gradients it gives beside a width that overflows (which takes the selects).
    /// </summary>
    [Fact]
    public void TheFiniteWidthFastPathGivesTheSelectedPathsBitsAndGradients()
    {
        double[] low = [-1.0, 0.25, -3.5, 2.0], high = [1.5, 0.75, 4.0, 9.0];
        (double[] Value, double[] GradLow) Run(double[] lows, double[] highs)
        {
            var l = Tensor.FromArray(lows, [lows.Length], requiresGrad: true);
            var entropy = new Uniform(l, Tensor.FromArray(highs, [highs.Length])).Entropy();
            entropy.Sum().Backward();
            return (entropy.ToArray(), l.Grad!.ToArray());
        }

        var alone = Run(low, high);
        var beside = Run([.. low, -1e308], [.. high, 1e308]);
        alone.Value.Should().Equal(beside.Value[..4]);
        alone.GradLow.Should().Equal(beside.GradLow[..4]);
        beside.Value[4].Should().BeApproximately(LogWidth, 1e-14 * LogWidth);
    }
}
