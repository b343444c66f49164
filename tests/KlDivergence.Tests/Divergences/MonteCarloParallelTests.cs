using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

public class MonteCarloParallelTests
{
    private static KlResult[] ForWorkers(Func<KlResult> estimate) => Workers.Each(estimate);

    [Fact]
    public void EstimatesAreBitIdenticalForOneTwoAndEightWorkers()
    {
        // More chunks than one round (16 of 4096), a batched pair through the general span path, and a mixture.
        var mixture = new MixtureSameFamily(new Categorical(Tensor.Vector(0.5, 0.5)), new Normal(new[] { -0.2, 1 }, new[] { 0.1, 0.5 }));
        var batched = (P: new Gamma(Tensor.Vector(2.0, 3.0), Tensor.Vector(1.0, 0.5)), Q: new Gamma(Tensor.Vector(2.5, 2.0), 1.0));
        foreach (var (p, q, n) in new (Distribution, Distribution, int)[] { (new Normal(3, 1), mixture, 70_001), (batched.P, batched.Q, 9_000) })
        {
            var results = ForWorkers(() => Kl.MonteCarlo(p, q, n, new RandomStream(21UL)));
            foreach (var r in results.Skip(1))
            {
                r.Value.ToArray().Should().Equal(results[0].Value.ToArray());
                r.StandardError!.ToArray().Should().Equal(results[0].StandardError!.ToArray());
                r.ParetoK!.ToArray().Should().Equal(results[0].ParetoK!.ToArray());
            }
        }
    }

    [Fact]
    public void TrackingGradientsDoesNotChangeTheEstimate()
    {
        // The same seed with and without a parameter that requires gradients: the same draws and the same number.
        var q = new Normal(0.5, 2.0);
        var plain = Kl.MonteCarlo(new Normal(1.0, 1.5), q, 10_000, new RandomStream(3UL));
        var loc = Tensor.Scalar(1.0, requiresGrad: true);
        var tracked = Kl.MonteCarlo(new Normal(loc, 1.5), q, 10_000, new RandomStream(3UL));
        tracked.Value.RequiresGrad.Should().BeTrue();
        tracked.ToScalar().Should().Be(plain.ToScalar());
        tracked.StandardError!.ToScalar().Should().Be(plain.StandardError!.ToScalar());

        // Pathwise, x = μ₁ + σ₁ε: log p(x) does not move with μ₁ and -log q(x) has derivative (x - μ₂)/σ₂², so the
        // gradient is (μ₁ - μ₂)/σ₂² + (σ₁/σ₂²)·mean(ε), with standard error σ₁/σ₂²/√n around the exact value.
        tracked.Value.Backward();
        double expected = (1.0 - 0.5) / 4.0, se = 1.5 / 4.0 / Math.Sqrt(10_000);
        loc.Grad!.ToScalar().Should().BeApproximately(expected, 5 * se);
    }

    [Fact]
    public void BatchedPathwiseGradientsAndValuesMatchTheUntrackedEstimateAndTheExactGradient()
    {
        // Three pairs at once, p's locations and q's scales tracked: the values and standard errors are those of the
        // untracked estimate, and each gradient lies within 5 standard errors of the exact one.
        double[] mu1 = [0.3, -1.0, 2.0], s1 = [1.0, 0.5, 2.0], mu2 = [0.0, 0.5, 1.0], s2 = [1.5, 1.0, 2.5];
        const int n = 20_000;
        var plain = Kl.MonteCarlo(new Normal(mu1, s1), new Normal(mu2, s2), n, new RandomStream(8UL));
        var loc = Tensor.FromArray(mu1, [3], requiresGrad: true);
        var scale2 = Tensor.FromArray(s2, [3], requiresGrad: true);
        var tracked = Kl.MonteCarlo(new Normal(loc, Tensor.FromArray(s1, [3])), new Normal(Tensor.FromArray(mu2, [3]), scale2), n, new RandomStream(8UL));
        tracked.Value.ToArray().Should().Equal(plain.Value.ToArray());
        tracked.StandardError!.ToArray().Should().Equal(plain.StandardError!.ToArray());
        tracked.Value.Sum().Backward();
        for (int b = 0; b < 3; b++)
        {
            // x = μ₁ + σ₁ε: d/dμ₁ of mean[-log q(x)] = mean (x - μ₂)/σ₂², exact (μ₁ - μ₂)/σ₂², error σ₁/σ₂²/√n;
            // d KL/dσ₂ = 1/σ₂ - E(x - μ₂)²/σ₂³ = 1/σ₂ - (σ₁² + (μ₁ - μ₂)²)/σ₂³ (closed form of the normal pair).
            double v2 = s2[b] * s2[b];
            double expectedLoc = (mu1[b] - mu2[b]) / v2, seLoc = s1[b] / v2 / Math.Sqrt(n);
            loc.Grad!.Values[b].Should().BeApproximately(expectedLoc, 5 * seLoc);
            double d = mu1[b] - mu2[b];
            double expectedScale = (1 / s2[b]) - (((s1[b] * s1[b]) + (d * d)) / (v2 * s2[b]));
            double seScale = Math.Sqrt((2 * Math.Pow(s1[b], 4)) + (4 * s1[b] * s1[b] * d * d)) / (v2 * s2[b]) / Math.Sqrt(n);
            scale2.Grad!.Values[b].Should().BeApproximately(expectedScale, 5 * seScale);
        }
    }
}
