using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;
using MathNet.Numerics;

namespace KlDivergence.Tests.Divergences;

/// <summary>Chi2(k) is resolved to Gamma(k/2, ½) before dispatch (one equivalence, no hand-copied pairs), and listed.</summary>
public class Chi2EquivalenceTests
{
    /// <summary>
    /// KL(Gamma(a₁, b₁) ‖ Gamma(a₂, b₂)) = (a₁ - a₂) ψ(a₁) - log Γ(a₁) + log Γ(a₂) + a₂ (log b₁ - log b₂) + a₁ (b₂ - b₁)/b₁
    /// (shape-rate; e.g. Penny 2001), worked here with MathNet's ψ and log Γ.
    /// </summary>
    private static double GammaKl(double a1, double b1, double a2, double b2) =>
        ((a1 - a2) * SpecialFunctions.DiGamma(a1)) - SpecialFunctions.GammaLn(a1) + SpecialFunctions.GammaLn(a2)
        + (a2 * (Math.Log(b1) - Math.Log(b2))) + (a1 * (b2 - b1) / b1);

    [Fact]
    public void NoChi2PairIsRegisteredByHand()
    {
        KlRegistry.Default.Pairs.Should().NotContain(pair => pair.P == typeof(Chi2) || pair.Q == typeof(Chi2));
    }

    [Fact]
    public void ReachablePairsListChi2ThroughItsGamma()
    {
        var reachable = KlRegistry.Default.ReachablePairs;
        reachable.Should().Contain((typeof(Chi2), typeof(Chi2))).And.Contain((typeof(Chi2), typeof(Normal)))
            .And.Contain((typeof(Exponential), typeof(Chi2))).And.Contain((typeof(Normal), typeof(Chi2)));
        reachable.Should().Contain(KlRegistry.Default.Pairs);

        // Each Chi2 pair listed is a registered Gamma pair with Chi2 put for Gamma.
        foreach (var (p, q) in reachable.Where(pair => pair.P == typeof(Chi2) || pair.Q == typeof(Chi2)))
        {
            var gammaP = p == typeof(Chi2) ? typeof(Gamma) : p;
            var gammaQ = q == typeof(Chi2) ? typeof(Gamma) : q;
            KlRegistry.Default.ReachablePairs.Should().Contain((gammaP, gammaQ));
        }
    }

    [Fact]
    public void AUserRegistryWithOnlyTheEquivalenceAndTheGammaPairAnswersChi2Pairs()
    {
        var registry = new KlRegistry();
        registry.Register<Gamma, Gamma>((p, q) => Kl.Exact(p, q));
        registry.RegisterEquivalent<Chi2, Gamma>(d => new Gamma(d.Df * 0.5, 0.5));
        registry.ReachablePairs.Should().BeEquivalentTo(new[] { (typeof(Gamma), typeof(Gamma)), (typeof(Chi2), typeof(Gamma)), (typeof(Gamma), typeof(Chi2)), (typeof(Chi2), typeof(Chi2)) });
        registry.TryEvaluate(new Chi2(3.0), new Chi2(5.5))!.ToScalar().Should().BeApproximately(GammaKl(1.5, 0.5, 2.75, 0.5), 1e-12);
    }

    [Theory]
    [InlineData(3.0, 5.5)]
    [InlineData(0.7, 2.0)]
    public void Chi2AgainstChi2AndGammaMatchTheWorkedGammaFormula(double k1, double k2)
    {
        var df = Tensor.Scalar(k1).RequireGrad();
        var result = Kl.Divergence(new Chi2(df), new Chi2(k2));
        result.Method.Should().Be(KlMethod.ClosedForm);
        result.ToScalar().Should().BeApproximately(GammaKl(k1 / 2, 0.5, k2 / 2, 0.5), 1e-12);

        // Gradients reach the Chi2's own df through the rewrite: central difference of the worked formula.
        result.Value.Backward();
        double h = 1e-5;
        double fd = (GammaKl((k1 + h) / 2, 0.5, k2 / 2, 0.5) - GammaKl((k1 - h) / 2, 0.5, k2 / 2, 0.5)) / (2 * h);
        df.Grad!.ToScalar().Should().BeApproximately(fd, 1e-6);

        Kl.Divergence(new Gamma(2.0, 1.5), new Chi2(k2)).ToScalar().Should().BeApproximately(GammaKl(2.0, 1.5, k2 / 2, 0.5), 1e-12);
        Kl.Divergence(new Exponential(0.8), new Chi2(k2)).ToScalar().Should().BeApproximately(GammaKl(1.0, 0.8, k2 / 2, 0.5), 1e-12);
    }
}
