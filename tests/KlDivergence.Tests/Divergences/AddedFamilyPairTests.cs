using KlDivergence.Distributions;
using KlDivergence.Divergences;
using static KlDivergence.Tests.Divergences.ClosedFormPairTests;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// The closed-form pairs of the families added for issue 16, run through the same independent checks as
/// <see cref="ClosedFormPairTests"/>: seeded Monte Carlo within 5 standard errors, adaptive quadrature to 1e-8 (or the
/// exact sum for discrete pairs), finite-difference gradients, and +∞ by every applicable method for disjoint supports.
/// </summary>
public class AddedFamilyPairTests
{
    private static readonly ClosedFormPairTests Checks = new();

    private static Spec HC(double scale) => new("HalfCauchy", t => new HalfCauchy(t[0]), [scale]);

    private static Spec X2(double df) => new("Chi2", t => new Chi2(t[0]), [df]);

    private static Spec IG(double a, double b) => new("InverseGamma", t => new InverseGamma(t[0], t[1]), [a, b]);

    private static Spec W(double scale, double k) => new("Weibull", t => new Weibull(t[0], t[1]), [scale, k]);

    private static Spec VM(double loc, double kappa) => new("VonMises", t => new VonMises(t[0], t[1]), [loc, kappa]);

    private static Spec G(double a, double b) => new("Gamma", t => new Gamma(t[0], t[1]), [a, b]);

    private static Spec N(double loc, double scale) => new("Normal", t => new Normal(t[0], t[1]), [loc, scale]);

    private static Spec Exp(double rate) => new("Exponential", t => new Exponential(t[0]), [rate]);

    private static Spec Gu(double loc, double scale) => new("Gumbel", t => new Gumbel(t[0], t[1]), [loc, scale]);

    private static Spec B(double a, double b) => new("Beta", t => new Beta(t[0], t[1]), [a, b]);

    private static Spec U(double low, double high) => new("Uniform", t => new Uniform(t[0], t[1]), [low, high]);

    private static Spec Pa(double scale, double alpha) => new("Pareto", t => new Pareto(t[0], t[1]), [scale, alpha]);

    private static Spec CB(double p) => new("ContinuousBernoulli", t => new ContinuousBernoulli(t[0]), [p]);

    private static Spec L(double loc, double scale) => new("Laplace", t => new Laplace(t[0], t[1]), [loc, scale]);

    /// <summary>Pairs with a finite divergence.</summary>
    public static TheoryData<Case> Finite => new()
    {
        new(HC(1.2), HC(0.4), Check.Continuous),
        new(HC(0.3), HC(2.5), Check.Continuous),
        new(X2(3.0), X2(5.5), Check.Continuous),
        new(X2(3.0), G(2.5, 0.7), Check.Continuous),
        new(G(2.5, 0.7), X2(3.0), Check.Continuous),
        new(X2(3.0), Exp(0.4), Check.Continuous),
        new(X2(3.0), Gu(2.0, 2.5), Check.Continuous),
        new(X2(3.0), N(2.5, 2.0), Check.Continuous),
        new(Exp(0.8), X2(2.5), Check.Continuous),
        new(B(2.5, 1.5), X2(2.5), Check.Continuous),
        new(Pa(1.2, 4.5), X2(2.5), Check.Continuous),
        new(U(0.2, 3.9), X2(2.5), Check.Continuous),
        new(IG(3.5, 2.0), IG(2.0, 1.1), Check.Continuous),
        new(IG(0.8, 0.5), IG(2.5, 3.0), Check.Continuous),
        new(W(1.3, 0.7), W(2.0, 1.5), Check.Continuous),
        new(W(2.5, 3.5), W(1.2, 0.8), Check.Continuous),
        new(VM(0.4, 1.3), VM(-2.0, 0.5), Check.Continuous),
        new(VM(2.5, 12.0), VM(-3.0, 3.0), Check.Continuous),
        new(VM(0.0, 0.05), VM(1.0, 0.3), Check.Continuous),
    };

    /// <summary>Pairs whose divergence is +∞ (p puts mass where q has none).</summary>
    public static TheoryData<Case> Infinite => new()
    {
        new(X2(3.0), B(2.0, 2.0), Check.Continuous),
        new(X2(3.0), CB(0.3), Check.Continuous),
        new(X2(3.0), U(0.0, 1.0), Check.Continuous),
        new(X2(3.0), Pa(0.5, 2.0), Check.Continuous),
        new(N(0.3, 1.2), X2(3.0), Check.Continuous),
        new(L(0.3, 1.2), X2(3.0), Check.Continuous),
        new(Gu(0.3, 1.2), X2(3.0), Check.Continuous),
    };

    [Theory]
    [MemberData(nameof(Finite))]
    public void ClosedFormIsRegisteredAndWithinFiveStandardErrorsOfMonteCarlo(Case c) => Checks.ClosedFormIsRegisteredAndWithinFiveStandardErrorsOfMonteCarlo(c);

    [Theory]
    [MemberData(nameof(Finite))]
    public void ClosedFormMatchesQuadratureOrTheExactSum(Case c) => Checks.ClosedFormMatchesQuadratureOrTheExactSum(c);

    [Theory]
    [MemberData(nameof(Finite))]
    public void ClosedFormGradientsMatchFiniteDifferences(Case c) => Checks.ClosedFormGradientsMatchFiniteDifferences(c);

    [Theory]
    [MemberData(nameof(Infinite))]
    public void InfinitePairsArePositiveInfinityByEveryApplicableMethod(Case c) => Checks.InfinitePairsArePositiveInfinityByEveryApplicableMethod(c);

    [Fact]
    public void WeibullWithShapeOneIsTheExponentialPair()
    {
        // Weibull(λ, 1) is Exponential(1/λ): KL(Exp(a) ‖ Exp(b)) = log(a/b) + b/a - 1.
        double a = 1 / 1.3, b = 1 / 0.4;
        Kl.Exact(new Weibull(1.3, 1.0), new Weibull(0.4, 1.0)).ToScalar().Should().BeApproximately(Math.Log(a / b) + (b / a) - 1, 1e-14);
    }

    [Fact]
    public void MultinomialPairMatchesTheExactSumMonteCarloAndFiniteDifferences()
    {
        var p = new Multinomial(6, new[] { 0.2, 0.5, 0.3 });
        var q = new Multinomial(6, new[] { 0.4, 0.4, 0.2 });
        var exact = Kl.Divergence(p, q);
        exact.Method.Should().Be(KlMethod.ClosedForm);

        // Σₓ P(x) log(P(x)/Q(x)) over every count vector, with the multinomial pmf written out here.
        static double LogPmf(double[] x, double[] pr) =>
            MathNet.Numerics.SpecialFunctions.GammaLn(7) + x.Select((v, k) => (v * Math.Log(pr[k])) - MathNet.Numerics.SpecialFunctions.GammaLn(v + 1)).Sum();
        double sum = 0;
        for (int a = 0; a <= 6; a++)
        {
            for (int b = 0; a + b <= 6; b++)
            {
                double[] x = [a, b, 6 - a - b];
                double lp = LogPmf(x, [0.2, 0.5, 0.3]);
                sum += Math.Exp(lp) * (lp - LogPmf(x, [0.4, 0.4, 0.2]));
            }
        }

        exact.ToScalar().Should().BeApproximately(sum, 1e-13);
        var mc = Kl.MonteCarlo(p, q, 100_000, new KlDivergence.Random.RandomStream(20240601UL));
        Math.Abs(mc.ToScalar() - sum).Should().BeLessThan(5 * mc.StandardError.ToScalar());

        GradCheck.Check(
            t => Kl.Exact(new Multinomial(6, t[0], renormalize: true), new Multinomial(6, t[1], renormalize: true)),
            [[0.2, 0.5, 0.3], [0.4, 0.4, 0.2]],
            [[3], [3]],
            tolerance: 1e-6);
    }

    [Fact]
    public void MultinomialsWithDifferentTotalCountsHaveDisjointSupports()
    {
        Kl.Exact(new Multinomial(6, new[] { 0.2, 0.8 }), new Multinomial(5, new[] { 0.2, 0.8 })).ToScalar().Should().Be(double.PositiveInfinity);
        Kl.MonteCarlo(new Multinomial(6, new[] { 0.2, 0.8 }), new Multinomial(5, new[] { 0.2, 0.8 }), 1000, new KlDivergence.Random.RandomStream(1UL))
            .ToScalar().Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void LogisticNormalPairIsWithinFiveStandardErrorsOfMonteCarloAndItsGradientMatchesFiniteDifferences()
    {
        var p = new LogisticNormal(new[] { 0.3, -0.5 }, new[] { 0.9, 1.2 });
        var q = new LogisticNormal(new[] { -0.2, 0.4 }, new[] { 1.4, 0.7 });
        var exact = Kl.Divergence(p, q);
        exact.Method.Should().Be(KlMethod.ClosedForm);
        var mc = Kl.MonteCarlo(p, q, 100_000, new KlDivergence.Random.RandomStream(20240601UL));
        Math.Abs(mc.ToScalar() - exact.ToScalar()).Should().BeLessThan(5 * mc.StandardError.ToScalar());

        GradCheck.Check(
            t => Kl.Exact(new LogisticNormal(t[0], t[1]), new LogisticNormal(t[2], t[3])),
            [[0.3, -0.5], [0.9, 1.2], [-0.2, 0.4], [1.4, 0.7]],
            [[2], [2], [2], [2]],
            tolerance: 1e-6);
    }

    [Fact]
    public void HalfCauchyMatchesTheWorkedClosedForm()
    {
        // log((γp + γq)²/(4γpγq)) at γp = 1.2, γq = 0.4: log(2.56/1.92) = log(4/3).
        Kl.Exact(new HalfCauchy(1.2), new HalfCauchy(0.4)).ToScalar().Should().BeApproximately(Math.Log(4.0 / 3.0), 1e-15);
    }
}
