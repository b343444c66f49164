using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// Monte Carlo estimates carry the Pareto k-hat of their per-draw terms and say when they cannot be trusted.
/// </summary>
public class MonteCarloReliabilityTests
{
    [Fact]
    public void CauchyAgainstNormalIsFlaggedOnEveryPath()
    {
        // KL(Cauchy ‖ Normal) = +∞: the terms tᵢ ≈ xᵢ²/2 with xᵢ Cauchy have P(t > s) ~ (2/π)/√(2s), tail index 2,
        // so no sample size gives a trustworthy mean. Fused span path (unbatched), tensor path (batched), and the
        // gradient path must all report k-hat > 0.7 and the flag. q is a standard normal the finiteness rule does not
        // recognise (a user's family), so the estimator itself is tested, not the rule that answers first.
        var normal = new DisguisedDistribution(new Normal(0, 1), withCdf: false);
        var fused = Kl.MonteCarlo(new Cauchy(0, 1), normal, 100_000, new RandomStream(1UL));
        AssertFlagged(fused, []);

        var batched = Kl.MonteCarlo(new Cauchy(Tensor.Vector(0, 0.5), Tensor.Vector(1, 2)), normal, 20_000, new RandomStream(2UL));
        AssertFlagged(batched, [2]);

        var loc = Tensor.Scalar(0.0, requiresGrad: true);
        var tracked = Kl.MonteCarlo(new Cauchy(loc, 1), normal, 20_000, new RandomStream(3UL));
        AssertFlagged(tracked, []);
        tracked.GradientEstimator.Should().Be(KlGradientEstimator.Reparameterized);
    }

    [Fact]
    public void NormalAgainstNormalIsReliableOnEveryPath()
    {
        // tᵢ is a quadratic in a normal draw: a scaled, shifted χ²₁ tail (k = 0 in the limit), bounded on the other side.
        var p = new Normal(0.3, 1.2);
        var q = new Normal(-0.5, 2.0);
        AssertReliable(Kl.MonteCarlo(p, q, 100_000, new RandomStream(1UL)), []);
        AssertReliable(Kl.MonteCarlo(new Normal(Tensor.Vector(0.3, 1.0, -2.0), 1.2), q, 20_000, new RandomStream(2UL)), [3]);
        var loc = Tensor.Scalar(0.3, requiresGrad: true);
        var tracked = Kl.MonteCarlo(new Normal(loc, 1.2), q, 20_000, new RandomStream(3UL));
        AssertReliable(tracked, []);
        tracked.GradientEstimator.Should().Be(KlGradientEstimator.Reparameterized);

        // A mixture q takes the tensor path with a non-fused density.
        var mixture = new MixtureSameFamily(new Categorical(Tensor.Vector(0.3, 0.7)), new Normal(Tensor.Vector(-1, 2), Tensor.Vector(0.5, 1.5)));
        AssertReliable(Kl.MonteCarlo(p, mixture, 20_000, new RandomStream(4UL)), []);
    }

    [Fact]
    public void RequireReliableThrowsForAnUnreliableEstimate()
    {
        // q: a standard normal the finiteness rule does not recognise, so the estimate is made and must be refused.
        var p = new Cauchy(0, 1);
        var q = new DisguisedDistribution(new Normal(0, 1), withCdf: false);
        var direct = () => Kl.MonteCarlo(p, q, 10_000, new RandomStream(1UL), requireReliable: true);
        direct.Should().Throw<UnreliableKlException>().WithMessage("*Cauchy*Disguised*k-hat*")
            .Which.Result!.IsReliable.Should().BeFalse();

        var viaOptions = () => Kl.Divergence(p, q, new KlOptions { Method = KlMethodChoice.MonteCarlo, SampleCount = 10_000, RequireReliable = true });
        viaOptions.Should().Throw<UnreliableKlException>().WithMessage("*k-hat*");

        // A reliable estimate passes through unchanged.
        var fine = Kl.MonteCarlo(new Normal(0, 1), new Normal(1, 2), 10_000, new RandomStream(1UL), requireReliable: true);
        fine.IsReliable.Should().BeTrue();
    }

    [Fact]
    public void TooFewDrawsForATailFitAreNotVouchedFor()
    {
        // 20 draws leave M = ⌈min(4, 13.4)⌉ = 4 < 5 tail values: k-hat cannot be estimated.
        var r = Kl.MonteCarlo(new Normal(0, 1), new Normal(1, 2), 20, new RandomStream(1UL));
        r.ParetoK!.ToScalar().Should().Be(double.PositiveInfinity);
        r.IsReliable.Should().BeFalse();
        r.Reason.Should().Contain("too few").And.Contain("k-hat");
        
        // 21 draws give M = 5: a (noisy) fit is made.
        double.IsFinite(Kl.MonteCarlo(new Normal(0, 1), new Normal(1, 2), 21, new RandomStream(1UL)).ParetoK!.ToScalar()).Should().BeTrue();
    }

    [Fact]
    public void AnInfiniteValueFromUnnestedSupportsIsExactAndStaysReliable()
    {
        // The finiteness rule answers before any draw: +∞ by Rule, exact and reliable, with no tail fit.
        var r = Kl.MonteCarlo(new Uniform(-1e-12, 1), new Exponential(1), 10_000, new RandomStream(1UL));
        r.ToScalar().Should().Be(double.PositiveInfinity);
        r.Method.Should().Be(KlMethod.Rule);
        r.IsReliable.Should().BeTrue();
        r.ParetoK.Should().BeNull();
    }

    [Fact]
    public void TheStandardErrorKeepsItsPrecisionWhenTheMeanDwarfsTheSpread()
    {
        // KL(N(10⁴, 1) ‖ N(0, 1)) = 5·10⁷ exactly, and tᵢ = 10⁴xᵢ - 5·10⁷ with xᵢ ~ N(10⁴, 1): sd 10⁴, so the standard
        // error is 10⁴/√n. With running sums Σt² - n·t̄² cancels 10¹⁵-sized terms; the block moments do not.
        const int n = 50_000;
        var r = Kl.MonteCarlo(new Normal(1e4, 1), new Normal(0, 1), n, new RandomStream(9UL));
        r.StandardError.ToScalar().Should().BeApproximately(1e4 / Math.Sqrt(n), 0.02 * 1e4 / Math.Sqrt(n));
        r.ToScalar().Should().BeApproximately(5e7, 5 * r.StandardError.ToScalar());
    }

    private static void AssertFlagged(KlResult r, int[] batchShape)
    {
        r.Method.Should().Be(KlMethod.MonteCarlo);
        r.ParetoK.Should().NotBeNull();
        r.ParetoK!.Shape.Should().Equal(batchShape);
        r.ParetoK.Values.ToArray().Should().OnlyContain(k => k > 0.7);
        r.IsReliable.Should().BeFalse();
        r.Reason.Should().Contain("k-hat");
        r.ToString().Should().Contain("NOT RELIABLE");
    }

    private static void AssertReliable(KlResult r, int[] batchShape)
    {
        r.ParetoK.Should().NotBeNull();
        r.ParetoK!.Shape.Should().Equal(batchShape);
        r.ParetoK.Values.ToArray().Should().OnlyContain(k => k < 0.7);
        r.IsReliable.Should().BeTrue();
        r.Reason.Should().BeNull();
    }
}
