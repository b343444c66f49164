using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

public class MonteCarloParallelTests
{
    private static KlResult[] ForWorkers(Func<KlResult> estimate)
    {
        int saved = TensorParallelism.MaxDegreeOfParallelism;
        try
        {
            return [.. new[] { 1, 2, 8 }.Select(w =>
            {
                TensorParallelism.MaxDegreeOfParallelism = w;
                return estimate();
            })];
        }
        finally
        {
            TensorParallelism.MaxDegreeOfParallelism = saved;
        }
    }

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
}
