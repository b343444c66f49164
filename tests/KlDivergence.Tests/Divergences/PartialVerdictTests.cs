using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// A batch where the rule decides some elements (+∞) and an estimator the rest: the flag and the gradient are those
/// of the estimated elements only.
/// </summary>
public class PartialVerdictTests
{
    [Fact]
    public void MonteCarloReliabilityIgnoresTheRuledElements()
    {
        // Element 0: Student's t with ν = 1 against N(0, 1) is +∞ by rule (E X² = ∞ while -log q = C + x²/2); its
        // Monte Carlo terms are Cauchy-heavy (k-hat ≫ 0.7). Element 1: ν = 30 is estimated, with light terms.
        var p = new StudentT(Tensor.Vector(1.0, 30.0), 0.0, 1.0);
        var q = new Normal(0.0, 1.0);
        var result = Kl.MonteCarlo(p, q, 20_000, new RandomStream(11UL), requireReliable: false);
        result.Value.Values[0].Should().Be(double.PositiveInfinity);
        double.IsFinite(result.Value.Values[1]).Should().BeTrue();
        result.ParetoK!.Values[1].Should().BeLessThanOrEqualTo(0.7);
        result.IsReliable.Should().BeTrue(result.Reason);
        result.Reason.Should().Contain("1 of 2 batch elements");

        // RequireReliable no longer throws for it.
        var act = () => Kl.MonteCarlo(p, q, 20_000, new RandomStream(11UL), requireReliable: true);
        act.Should().NotThrow();
    }

    [Fact]
    public void QuadratureGradientOfTheFiniteElementIsRightWhenAnotherIsRuled()
    {
        // Element 0: Pareto(xₘ = 1, α = 0.5) against Exponential(λ) is +∞ by rule (E X = ∞ while -log q = -log λ + λx).
        // Element 1: Pareto(1, 3), whose KL = -H(p) - log λ + λ E X with E X = α xₘ/(α - 1) = 1.5, so
        // d KL/dλ = -1/λ + 1.5 (worked here).
        var rate = Tensor.Scalar(0.7).RequireGrad();
        var p = new Pareto(1.0, Tensor.Vector(0.5, 3.0));
        var result = Kl.Quadrature(p, new Exponential(rate));
        result.Value.Values[0].Should().Be(double.PositiveInfinity);

        // H(Pareto(xₘ, α)) = log(xₘ/α) + 1/α + 1.
        double entropy = Math.Log(1.0 / 3.0) + (1.0 / 3.0) + 1.0;
        result.Value.Values[1].Should().BeApproximately(-entropy - Math.Log(0.7) + (0.7 * 1.5), 1e-8);

        var finite = result.Value.IndexSelect(0, [1]).Sum();
        finite.Backward();
        rate.Grad!.ToScalar().Should().BeApproximately((-1.0 / 0.7) + 1.5, 1e-6);
        result.IsReliable.Should().BeTrue(result.Reason);
    }

    [Fact]
    public void ClosedFormGradientOfTheFiniteElementIsRightWhenAnotherIsInfinite()
    {
        // The same batch by the registered closed form (Auto): d KL/dλ = -1/λ + 1.5 for element 1.
        var rate = Tensor.Scalar(0.7).RequireGrad();
        var result = Kl.Divergence(new Pareto(1.0, Tensor.Vector(0.5, 3.0)), new Exponential(rate));
        result.Value.Values[0].Should().Be(double.PositiveInfinity);
        result.Value.IndexSelect(0, [1]).Sum().Backward();
        rate.Grad!.ToScalar().Should().BeApproximately((-1.0 / 0.7) + 1.5, 1e-9);
    }

    [Fact]
    public void MonteCarloGradientOfTheFiniteElementIsFiniteWhenAnotherIsRuled()
    {
        // As above by Monte Carlo: d/dλ of the estimate of element 1 is -1/λ + mean of the draws (the entropy term does
        // not depend on λ), so it must be within 5 standard errors of -1/λ + 1.5; Pareto(1, 3) has variance 3/4.
        var rate = Tensor.Scalar(0.7).RequireGrad();
        var p = new Pareto(1.0, Tensor.Vector(0.5, 3.0));
        var result = Kl.MonteCarlo(p, new Exponential(rate), 20_000, new RandomStream(5UL), requireReliable: false);
        result.Value.Values[0].Should().Be(double.PositiveInfinity);
        result.Value.IndexSelect(0, [1]).Sum().Backward();
        rate.Grad!.ToScalar().Should().BeApproximately((-1.0 / 0.7) + 1.5, 5 * Math.Sqrt(0.75 / 20_000));
    }
}
