using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// Every closed-form pair of the univariate families against independent estimates: seeded Monte Carlo (within
/// 5 standard errors), adaptive quadrature (to 1e-8) for continuous pairs, the exact finite sum for discrete
/// pairs, and finite-difference gradients. Adding a pair is one line in <see cref="Finite"/> or <see cref="Infinite"/>.
/// </summary>
public class ClosedFormPairTests
{
    /// <summary>Which independent references apply to a case.</summary>
    [Flags]
    public enum Check
    {
        MonteCarlo = 1,
        Quadrature = 2,
        DiscreteSum = 4,
        Continuous = MonteCarlo | Quadrature,
        Discrete = MonteCarlo | DiscreteSum,
    }

    /// <summary>A family with its differentiable parameters (non-differentiable ones are fixed in <see cref="Make"/>).</summary>
    public sealed record Spec(string Name, Func<Tensor[], Distribution> Make, double[] Parameters)
    {
        public Distribution Build() => Make([.. Parameters.Select(v => (Tensor)v)]);

        public override string ToString() => $"{Name}({string.Join(", ", Parameters)})";
    }

    public sealed record Case(Spec P, Spec Q, Check Checks)
    {
        public override string ToString() => $"{P} ‖ {Q}";
    }

    private static Spec N(double loc, double scale) => new("Normal", t => new Normal(t[0], t[1]), [loc, scale]);

    private static Spec Exp(double rate) => new("Exponential", t => new Exponential(t[0]), [rate]);

    private static Spec G(double a, double b) => new("Gamma", t => new Gamma(t[0], t[1]), [a, b]);

    private static Spec B(double a, double b) => new("Beta", t => new Beta(t[0], t[1]), [a, b]);

    private static Spec U(double low, double high) => new("Uniform", t => new Uniform(t[0], t[1]), [low, high]);

    private static Spec L(double loc, double scale) => new("Laplace", t => new Laplace(t[0], t[1]), [loc, scale]);

    private static Spec C(double loc, double scale) => new("Cauchy", t => new Cauchy(t[0], t[1]), [loc, scale]);

    private static Spec Gu(double loc, double scale) => new("Gumbel", t => new Gumbel(t[0], t[1]), [loc, scale]);

    private static Spec HN(double scale) => new("HalfNormal", t => new HalfNormal(t[0]), [scale]);

    private static Spec Pa(double scale, double alpha) => new("Pareto", t => new Pareto(t[0], t[1]), [scale, alpha]);

    private static Spec Be(double p) => new("Bernoulli", t => new Bernoulli(t[0]), [p]);

    private static Spec CB(double p) => new("ContinuousBernoulli", t => new ContinuousBernoulli(t[0]), [p]);

    private static Spec Geo(double p) => new("Geometric", t => new Geometric(t[0]), [p]);

    private static Spec Bin(int n, double p) => new($"Binomial[n={n}]", t => new Binomial(n, t[0]), [p]);

    private static Spec Po(double rate) => new("Poisson", t => new Poisson(t[0]), [rate]);

    /// <summary>Pairs with a finite divergence.</summary>
    public static TheoryData<Case> Finite => new()
    {
        new(Exp(1.3), Exp(0.4), Check.Continuous),
        new(Exp(1.3), G(2.5, 0.9), Check.Continuous),
        new(Exp(1.3), Gu(0.5, 1.7), Check.Continuous),
        new(Exp(1.3), N(0.5, 1.7), Check.Continuous),
        new(G(2.5, 1.5), G(1.5, 0.7), Check.Continuous),
        new(G(2.5, 1.5), Exp(0.7), Check.Continuous),
        new(G(2.5, 1.5), Gu(0.5, 1.2), Check.Continuous),
        new(G(2.5, 1.5), N(1.0, 0.9), Check.Continuous),
        new(B(2.5, 1.5), B(1.2, 3.0), Check.Continuous),
        new(B(2.5, 1.5), CB(0.3), Check.Continuous),
        new(B(2.5, 1.5), Exp(0.7), Check.Continuous),
        new(B(2.5, 1.5), G(1.5, 2.0), Check.Continuous),
        new(B(2.5, 1.5), N(0.2, 0.5), Check.Continuous),
        new(B(2.5, 1.5), U(-0.5, 1.25), Check.Continuous),
        new(U(0.2, 0.9), U(-0.5, 1.25), Check.Continuous),
        new(U(0.2, 0.9), B(2.5, 1.5), Check.Continuous),
        new(U(0.2, 0.9), CB(0.7), Check.Continuous),
        new(U(0.2, 0.9), Exp(0.7), Check.Continuous),
        new(U(0.2, 0.9), G(2.5, 1.1), Check.Continuous),
        new(U(0.2, 0.9), Gu(0.3, 0.6), Check.Continuous),
        new(U(0.2, 0.9), N(0.3, 0.6), Check.Continuous),
        new(U(1.2, 3.9), Pa(1.1, 2.5), Check.Continuous),
        new(L(0.3, 1.2), L(-0.4, 0.7), Check.Continuous),
        new(L(0.3, 1.2), N(-0.4, 0.7), Check.Continuous),
        new(C(0.3, 1.2), C(-0.4, 0.7), Check.Continuous),
        new(Gu(0.3, 1.2), Gu(-0.4, 0.7), Check.Continuous),
        new(Gu(0.3, 1.2), N(-0.4, 0.7), Check.Continuous),
        new(HN(1.2), HN(0.7), Check.Continuous),
        new(Pa(1.2, 3.5), Pa(0.8, 2.0), Check.Continuous),
        new(Pa(1.2, 3.5), Exp(0.6), Check.Continuous),
        new(Pa(1.2, 3.5), G(1.5, 0.6), Check.Continuous),
        new(Pa(1.2, 4.5), N(1.0, 0.6), Check.Continuous),
        new(N(0.3, 1.2), Gu(-0.4, 0.7), Check.Continuous),
        new(N(0.3, 1.2), L(-0.4, 0.7), Check.Continuous),
        new(CB(0.3), CB(0.8), Check.Continuous),
        new(CB(0.5), CB(0.503), Check.Continuous),
        new(CB(0.3), Exp(0.8), Check.Continuous),
        new(CB(0.3), N(0.2, 0.8), Check.Continuous),
        new(CB(0.3), U(-0.1, 1.2), Check.Continuous),
        new(Be(0.3), Be(0.8), Check.Discrete),
        new(Be(0.3), Po(0.8), Check.Discrete),
        new(Geo(0.3), Geo(0.6), Check.Discrete),
        new(Bin(10, 0.3), Bin(10, 0.6), Check.Discrete),
        new(Bin(6, 0.3), Bin(10, 0.6), Check.Discrete),
        new(Po(3.5), Po(1.5), Check.Discrete),
    };

    /// <summary>
    /// Pairs whose divergence is +∞ (p puts mass where q has none). Monte Carlo is checked only where samples of p
    /// land outside q's support with high probability; where they cannot be expected to (heavy tails making the KL
    /// infinite through an infinite moment), only the closed form is checked.
    /// </summary>
    public static TheoryData<Case> Infinite => new()
    {
        new(N(0.3, 1.2), B(2.0, 2.0), Check.Continuous),
        new(N(0.3, 1.2), CB(0.3), Check.Continuous),
        new(N(0.3, 1.2), Exp(1.0), Check.Continuous),
        new(N(0.3, 1.2), G(2.0, 1.0), Check.Continuous),
        new(N(0.3, 1.2), Pa(0.5, 2.0), Check.Continuous),
        new(N(0.3, 1.2), U(-1.0, 1.0), Check.Continuous),
        new(Exp(1.3), B(2.0, 2.0), Check.Continuous),
        new(Exp(1.3), CB(0.3), Check.Continuous),
        new(Exp(1.3), Pa(0.5, 2.0), Check.Continuous),
        new(Exp(1.3), U(0.0, 1.0), Check.Continuous),
        new(G(2.5, 1.5), B(2.0, 2.0), Check.Continuous),
        new(G(2.5, 1.5), CB(0.3), Check.Continuous),
        new(G(2.5, 1.5), Pa(0.5, 2.0), Check.Continuous),
        new(G(2.5, 1.5), U(0.0, 1.0), Check.Continuous),
        new(Gu(0.3, 1.2), B(2.0, 2.0), Check.Continuous),
        new(Gu(0.3, 1.2), CB(0.3), Check.Continuous),
        new(Gu(0.3, 1.2), Exp(1.0), Check.Continuous),
        new(Gu(0.3, 1.2), G(2.0, 1.0), Check.Continuous),
        new(Gu(0.3, 1.2), Pa(0.5, 2.0), Check.Continuous),
        new(Gu(0.3, 1.2), U(-1.0, 1.0), Check.Continuous),
        new(L(0.3, 1.2), B(2.0, 2.0), Check.Continuous),
        new(L(0.3, 1.2), CB(0.3), Check.Continuous),
        new(L(0.3, 1.2), Exp(1.0), Check.Continuous),
        new(L(0.3, 1.2), G(2.0, 1.0), Check.Continuous),
        new(L(0.3, 1.2), Pa(0.5, 2.0), Check.Continuous),
        new(L(0.3, 1.2), U(-1.0, 1.0), Check.Continuous),
        new(Pa(0.5, 2.0), B(2.0, 2.0), Check.Continuous),
        new(Pa(0.5, 2.0), CB(0.3), Check.Continuous),
        new(Pa(0.5, 2.0), U(0.0, 3.0), Check.Continuous),
        new(B(2.0, 2.0), Pa(0.5, 2.0), Check.Continuous),
        new(CB(0.3), Pa(0.5, 2.0), Check.Continuous),
        new(U(0.2, 0.9), U(0.3, 1.25), Check.Continuous),
        new(U(-0.2, 0.9), B(2.0, 2.0), Check.Continuous),
        new(U(0.2, 1.9), CB(0.3), Check.Continuous),
        new(U(-0.2, 0.9), Exp(1.0), Check.Continuous),
        new(U(-0.2, 0.9), G(2.0, 1.0), Check.Continuous),
        new(U(0.2, 0.9), Pa(0.5, 2.0), Check.Continuous),
        new(B(2.0, 2.0), U(0.1, 1.0), Check.Continuous),
        new(CB(0.3), U(0.0, 0.9), Check.Continuous),
        new(Pa(1.0, 3.0), Pa(1.5, 3.0), Check.Continuous),
        new(Be(0.3), Be(0.0), Check.Discrete),
        new(Geo(0.3), Geo(1.0), Check.Discrete),
        new(Bin(10, 0.5), Bin(5, 0.5), Check.Discrete),
        new(Po(2.0), Be(0.5), Check.Discrete),
        new(Po(2.0), Bin(3, 0.5), Check.Discrete),

        // Infinite through an infinite moment of p, not through supports: samples give finite averages.
        new(Pa(1.0, 0.8), Exp(1.0), 0),
        new(Pa(1.0, 0.9), G(2.0, 1.0), 0),
        new(Pa(1.0, 1.5), N(0.0, 1.0), 0),
    };

    [Theory]
    [MemberData(nameof(Finite))]
    public void ClosedFormIsRegisteredAndWithinFiveStandardErrorsOfMonteCarlo(Case c)
    {
        var p = c.P.Build();
        var q = c.Q.Build();
        var exact = Kl.Divergence(p, q);
        exact.Method.Should().Be(KlMethod.ClosedForm);
        double value = exact.ToScalar();
        double.IsFinite(value).Should().BeTrue();
        var mc = Kl.MonteCarlo(p, q, 100_000, new RandomStream(20240601UL));
        Math.Abs(mc.ToScalar() - value).Should().BeLessThanOrEqualTo((5 * mc.StandardError.ToScalar()) + 1e-12, $"Monte Carlo {mc.ToScalar()} ± {mc.StandardError.ToScalar()}");
    }

    [Theory]
    [MemberData(nameof(Finite))]
    public void ClosedFormMatchesQuadratureOrTheExactSum(Case c)
    {
        var p = c.P.Build();
        var q = c.Q.Build();
        double value = Kl.Exact(p, q).ToScalar();
        if (c.Checks.HasFlag(Check.Quadrature))
        {
            Kl.Quadrature(p, q).ToScalar().Should().BeApproximately(value, 1e-8);
        }

        if (c.Checks.HasFlag(Check.DiscreteSum))
        {
            // Σ p(k)(log p(k) - log q(k)) over k = 0..200 (the tails of these cases are far below 1e-15 beyond).
            double sum = 0;
            using var scope = Tensor.NoGrad();
            for (int k = 0; k <= 200; k++)
            {
                double lp = p.LogProb(k).ToScalar(), lq = q.LogProb(k).ToScalar();
                sum += double.IsNegativeInfinity(lp) ? 0 : Math.Exp(lp) * (lp - lq);
            }

            sum.Should().BeApproximately(value, 1e-10);
        }
    }

    [Theory]
    [MemberData(nameof(Finite))]
    public void ClosedFormGradientsMatchFiniteDifferences(Case c)
    {
        int k = c.P.Parameters.Length;
        GradCheck.Check(
            t => Kl.Exact(c.P.Make(t[..k]), c.Q.Make(t[k..])),
            [.. c.P.Parameters.Concat(c.Q.Parameters).Select(v => new[] { v })],
            [.. c.P.Parameters.Concat(c.Q.Parameters).Select(_ => Array.Empty<int>())],
            tolerance: 1e-5);
    }

    [Theory]
    [MemberData(nameof(Infinite))]
    public void InfinitePairsArePositiveInfinityByEveryApplicableMethod(Case c)
    {
        var p = c.P.Build();
        var q = c.Q.Build();
        var exact = Kl.Divergence(p, q);
        exact.Method.Should().Be(KlMethod.ClosedForm);
        exact.ToScalar().Should().Be(double.PositiveInfinity);
        if (c.Checks.HasFlag(Check.Quadrature))
        {
            Kl.Quadrature(p, q).ToScalar().Should().Be(double.PositiveInfinity);
        }

        if (c.Checks.HasFlag(Check.MonteCarlo))
        {
            Kl.MonteCarlo(p, q, 100_000, new RandomStream(20240601UL)).ToScalar().Should().Be(double.PositiveInfinity);
        }
    }

    [Fact]
    public void InfinitePairsKeepTheBatchShape()
    {
        var kl = Kl.Exact(new Normal(new[] { 0.0, 1.0, 2.0 }, 1.0), new Exponential(2.0));
        kl.Shape.Should().Equal(3);
        kl.Values.ToArray().Should().OnlyContain(v => double.IsPositiveInfinity(v));

        var mixed = Kl.Exact(new Uniform(new[] { 0.0, -1.0 }, 1.0), new Exponential(2.0));
        mixed[0].Should().BeApproximately(-Math.Log(2.0) + 1.0, 1e-15);
        mixed[1].Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void BatchedClosedFormsMatchElementwiseEvaluation()
    {
        var batched = Kl.Exact(new Gamma(new[] { 0.5, 2.0, 7.0 }, 1.5), new Gamma(2.0, new[] { 0.3, 1.0, 4.0 }));
        for (int i = 0; i < 3; i++)
        {
            double a = new[] { 0.5, 2.0, 7.0 }[i], b = new[] { 0.3, 1.0, 4.0 }[i];
            batched[i].Should().BeApproximately(Kl.Exact(new Gamma(a, 1.5), new Gamma(2.0, b)).ToScalar(), 1e-14);
        }
    }

    [Fact]
    public void NearlyEqualParametersKeepRelativePrecision()
    {
        // KL(Exp(1) ‖ Exp(1 + ε)) = ε - log(1 + ε) = ε²/2 - ε³/3 + O(ε⁴); same series for Poisson(1) ‖ Poisson(1 + ε)
        // with ε replaced: (1)log(1/(1+ε)) + ε = ε - log(1 + ε).
        double eps = (1 + 1e-7) - 1;
        double series = (eps * eps / 2) - (eps * eps * eps / 3);
        Kl.Exact(new Exponential(1.0), new Exponential(1 + eps)).ToScalar().Should().BeApproximately(series, 1e-9 * series);
        Kl.Exact(new Poisson(1.0), new Poisson(1 + eps)).ToScalar().Should().BeApproximately(series, 1e-9 * series);
    }
}
