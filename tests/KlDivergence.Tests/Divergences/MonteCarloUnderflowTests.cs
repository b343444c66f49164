using System.Globalization;
using System.Text.RegularExpressions;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;
using MathNet.Numerics;

namespace KlDivergence.Tests.Divergences;

/// <summary>Monte Carlo estimates whose draws underflowed (and were clamped to the support's edge) are flagged.</summary>
public class MonteCarloUnderflowTests
{
    /// <summary>KL(Gamma(a₁, 1) ‖ Gamma(a₂, 1)) = (a₁ - a₂) ψ(a₁) - ln Γ(a₁) + ln Γ(a₂) (equal rates), via MathNet.</summary>
    private static double GammaKl(double a1, double a2) =>
        ((a1 - a2) * SpecialFunctions.DiGamma(a1)) - SpecialFunctions.GammaLn(a1) + SpecialFunctions.GammaLn(a2);

    [Fact]
    public void TinyShapeGammaIsFlaggedWithTheCountOfUnderflowedDraws()
    {
        const int n = 100_000;
        var result = Kl.MonteCarlo(new Gamma(0.001, 1), new Gamma(0.002, 1), n, new RandomStream(3UL));

        // The clamped draws bias the estimate far beyond its standard error (closed form 0.3069): the flag is needed.
        double exact = GammaKl(0.001, 0.002);
        exact.Should().BeApproximately(0.3069, 1e-4);
        Math.Abs(result.ToScalar() - exact).Should().BeGreaterThan(20 * result.StandardError.ToScalar());

        result.IsReliable.Should().BeFalse();
        result.Reason.Should().Contain("underflowed double precision");

        // P(X < ε) for X ~ Gamma(a, 1), a small: ∫₀^ε x^(a-1) e^(-x) dx / Γ(a) ≈ ε^a / Γ(a + 1) (e^(-x) = 1 there).
        double pUnder = Math.Exp((0.001 * Math.Log(double.Epsilon)) - SpecialFunctions.GammaLn(1.001));
        pUnder.Should().BeApproximately(0.475, 0.01);
        long count = long.Parse(Regex.Match(result.Reason!, @"^(\d+) of the").Groups[1].Value, CultureInfo.InvariantCulture);
        double se = Math.Sqrt(n * pUnder * (1 - pUnder));
        ((double)count).Should().BeApproximately(n * pUnder, 5 * se);
    }

    [Fact]
    public void UnderflowIsFlaggedOnTheBatchedAndGradientPaths()
    {
        var batched = Kl.MonteCarlo(new Gamma(Tensor.Vector(2.0, 0.001), 1), new Gamma(Tensor.Vector(3.0, 0.002), 1), 20_000, new RandomStream(4UL));
        batched.IsReliable.Should().BeFalse();
        batched.Reason.Should().Contain("underflowed double precision");

        var shape = Tensor.Scalar(0.001, requiresGrad: true);
        var tracked = Kl.MonteCarlo(new Gamma(shape, 1), new Gamma(0.002, 1), 20_000, new RandomStream(5UL));
        tracked.IsReliable.Should().BeFalse();
        tracked.Reason.Should().Contain("underflowed double precision");
    }

    [Fact]
    public void OrdinaryGammaIsNotFlagged()
    {
        double exact = GammaKl(2, 3);
        var fused = Kl.MonteCarlo(new Gamma(2, 1), new Gamma(3, 1), 100_000, new RandomStream(6UL));
        fused.IsReliable.Should().BeTrue(fused.Reason);
        fused.Reason.Should().BeNull();
        fused.ToScalar().Should().BeApproximately(exact, 5 * fused.StandardError.ToScalar());

        var batched = Kl.MonteCarlo(new Gamma(Tensor.Vector(2.0, 2.0), 1), new Gamma(Tensor.Vector(3.0, 3.0), 1), 20_000, new RandomStream(7UL));
        batched.IsReliable.Should().BeTrue(batched.Reason);
    }

    [Fact]
    public void BetaDrawsAtTheUpperEdgeAreCountedToo()
    {
        // Beta(1, 0.001) puts mass 1 - O(ε^0.001)-ish near 1: its draws round to 1 - 2⁻⁵³ or 1 itself, the upper end.
        var result = Kl.MonteCarlo(new Beta(1, 0.001), new Beta(1, 0.002), 20_000, new RandomStream(8UL));
        result.IsReliable.Should().BeFalse();
    }
}
