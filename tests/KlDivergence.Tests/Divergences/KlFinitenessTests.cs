using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// +∞ by rule (supports, measures, tails) before any estimation, and finite pairs left alone. Each infinite case cites
/// its argument; each finite case is checked against a closed form or a Simpson integral written here.
/// </summary>
public class KlFinitenessTests
{
    private static readonly KlOptions FewSamples = new() { SampleCount = 20_000, Seed = 7 };

    [Fact]
    public void CauchyAgainstLaplaceIsInfiniteByRule()
    {
        // Issue example: was 21.0344 "by quadrature". E|X| = ∞ under a Cauchy while -log q(x) = log 2b + |x|/b, so
        // E_p[-log q] = ∞ and KL = +∞ (the Cauchy's entropy log 4π is finite).
        var result = Kl.Divergence(new Cauchy(0.0, 1.0), new Laplace(0.0, 1.0));
        result.ToScalar().Should().Be(double.PositiveInfinity);
        result.Method.Should().Be(KlMethod.Rule);
        result.Reason.Should().Contain("Cauchy").And.Contain("Laplace").And.Contain("E|X|^r");
        result.IsReliable.Should().BeTrue();
    }

    [Fact]
    public void CauchyAgainstNormalIsInfiniteByRuleOnEveryPath()
    {
        // -log q(x) = x²/2 + const and E X² = ∞ under a Cauchy (it was 5.9e14 "± 3.8e4").
        var p = new Cauchy(0.0, 1.0);
        var q = new Normal(0.0, 1.0);
        foreach (var result in new[]
        {
            Kl.Divergence(p, q),
            Kl.Quadrature(p, q),
            Kl.MonteCarlo(p, q, 1000, new RandomStream(1)),
            Kl.Divergence(p, q, new KlOptions { Method = KlMethodChoice.MonteCarlo }),
        })
        {
            result.ToScalar().Should().Be(double.PositiveInfinity);
            result.Method.Should().Be(KlMethod.Rule);
            result.Reason.Should().NotBeNullOrEmpty();
        }
    }

    [Fact]
    public void DiscreteAgainstContinuousIsInfiniteEitherWay()
    {
        // p ≪ q fails: a continuous q gives p's atoms probability 0 (and a discrete q gives probability 0 to the
        // non-integers, which carry all of a continuous p). Kullback 1959; Polyanskiy & Wu 2024, Def. 2.1.
        var categorical = new Categorical(Tensor.Vector(0.2, 0.3, 0.5));
        var poisson = new Poisson(2.0);
        var normal = new Normal(0.0, 1.0);
        foreach (var (p, q) in new (Distribution, Distribution)[] { (categorical, normal), (poisson, normal), (normal, poisson), (normal, categorical) })
        {
            var result = Kl.Divergence(p, q, FewSamples);
            result.ToScalar().Should().Be(double.PositiveInfinity, $"KL({p.FamilyName} ‖ {q.FamilyName})");
            result.Method.Should().Be(KlMethod.Rule);
            result.Reason.Should().Contain("absolutely continuous");
        }

        // Multivariate too: one-hot vectors (atoms) against a normal density on ℝ³.
        var oneHot = new OneHotCategorical(Tensor.Vector(0.2, 0.3, 0.5));
        var mvn = new MultivariateNormalDiag(Tensor.Vector(0, 0, 0), Tensor.Vector(1, 1, 1));
        Kl.Divergence(oneHot, mvn, FewSamples).Method.Should().Be(KlMethod.Rule);
    }

    [Fact]
    public void QuadratureAndMonteCarloAlsoAnswerTheRuleBeforeCheckingApplicability()
    {
        // Quadrature cannot integrate a Poisson, but the answer is certain without integrating.
        var result = Kl.Quadrature(new Poisson(2.0), new Normal(0.0, 1.0));
        result.Method.Should().Be(KlMethod.Rule);
        result.ToScalar().Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void ParetoAgainstExponentialIsInfiniteExactlyWhenTheMeanIs()
    {
        // -log q = λx - log λ: KL = +∞ iff E X = ∞ iff α ≤ 1. The registered closed form agrees with the rule, and the
        // rule (through Kl.Quadrature) does not fire for α = 1.5, where the closed form is
        // -H(p) - log λ + λ E X with H = log(xₘ/α) + 1/α + 1 and E X = α xₘ/(α - 1).
        foreach (double alpha in new[] { 0.5, 1.0 })
        {
            Kl.Divergence(new Pareto(1.0, alpha), new Exponential(1.0)).ToScalar().Should().Be(double.PositiveInfinity);
            var rule = Kl.Quadrature(new Pareto(1.0, alpha), new Exponential(1.0));
            rule.Method.Should().Be(KlMethod.Rule);
        }

        double a = 1.5, expected = -(Math.Log(1.0 / a) + (1 / a) + 1) + (a / (a - 1));
        Kl.Divergence(new Pareto(1.0, a), new Exponential(1.0)).ToScalar().Should().BeApproximately(expected, 1e-12);
        KlFiniteness.Check(new Pareto(1.0, a), new Exponential(1.0)).Should().BeNull();
    }

    [Fact]
    public void BatchedParametersGetAVerdictPerElement()
    {
        // α = 0.5, 1 (E X = ∞) are +∞; α = 3 is finite, checked against the closed form of the previous test.
        var p = new Pareto(1.0, Tensor.Vector(0.5, 3.0, 1.0));
        var q = new Exponential(2.0);
        var result = Kl.Quadrature(p, q);
        result.Method.Should().Be(KlMethod.Quadrature);
        result.Reason.Should().Contain("2 of 3");
        var v = result.Value.Values.ToArray();
        v[0].Should().Be(double.PositiveInfinity);
        v[2].Should().Be(double.PositiveInfinity);
        double a = 3, lambda = 2, expected = -(Math.Log(1.0 / a) + (1 / a) + 1) - Math.Log(lambda) + (lambda * a / (a - 1));
        v[1].Should().BeApproximately(expected, 1e-6);
        result.StandardError.Values[0].Should().Be(0);
    }

    [Fact]
    public void SupportsThatAreNotNestedAreInfinite()
    {
        // p = U(0, 2) puts mass ½ on (1, 2] where Beta(2, 2) has none.
        var result = Kl.Quadrature(new Uniform(0.0, 2.0), new Beta(2.0, 2.0));
        result.Method.Should().Be(KlMethod.Rule);
        result.Reason.Should().Contain("mass");

        // Geometric p puts mass on every count; Binomial(5, ½) only on 0..5 (no closed form is registered).
        var discrete = Kl.Divergence(new Geometric(0.5), new Binomial(5.0, 0.5), FewSamples);
        discrete.Method.Should().Be(KlMethod.Rule);
        discrete.ToScalar().Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void BoundsAreTightWhereTheMassIs()
    {
        // Categorical [½, ½, 0] has no mass at 2, so it is Bernoulli-like on {0, 1}: KL to Binomial(1, ½) is exactly 0
        // (every term log(½/½) vanishes), so the rule must not say +∞ from the nominal support {0, 1, 2}.
        KlFiniteness.Check(new Categorical(Tensor.Vector(0.5, 0.5, 0.0)), new Binomial(1.0, 0.5)).Should().BeNull();
        KlFiniteness.Check(new Categorical(Tensor.Vector(0.4, 0.5, 0.1, 0.0)), new Binomial(1.0, 0.5)).Should().NotBeNull();

        // Binomial(3, 0) is a point mass at 0 and Bernoulli(1) one at 1: their supports are tightened the same way.
        KlFiniteness.Check(new Binomial(3.0, 0.0), new Bernoulli(0.4)).Should().BeNull();
        KlFiniteness.Check(new Bernoulli(1.0), new Binomial(3.0, 1.0)).Should().NotBeNull();
    }

    [Fact]
    public void AMixtureIsAsHeavyAsItsHeaviestComponentWithPositiveWeight()
    {
        var normal = new Normal(0.0, 1.0);
        var heavy = new Mixture(Tensor.Vector(0.5, 0.5), [new Normal(0.0, 1.0), new Cauchy(0.0, 1.0)]);
        Kl.Divergence(heavy, normal, FewSamples).Method.Should().Be(KlMethod.Rule);

        // A zero-weight Cauchy puts no mass anywhere: the mixture is N(0, 1) and KL to N(0, 2) is the normal closed
        // form log 2 + 1/8 - ½, not +∞.
        var light = new Mixture(Tensor.Vector(1.0, 0.0), [new Normal(0.0, 1.0), new Cauchy(0.0, 1.0)]);
        var result = Kl.Divergence(light, new Normal(0.0, 2.0));
        result.Method.Should().NotBe(KlMethod.Rule);
        result.ToScalar().Should().BeApproximately(Math.Log(2) + 0.125 - 0.5, 1e-6);

        // The same through MixtureSameFamily.
        var msf = new MixtureSameFamily(new Categorical(Tensor.Vector(0.3, 0.7)), new Cauchy(Tensor.Vector(0.0, 1.0), 1.0));
        Kl.Divergence(msf, new Laplace(0.0, 1.0), FewSamples).Method.Should().Be(KlMethod.Rule);
    }

    public static TheoryData<string, Distribution, Distribution> FinitePairs() => new()
    {
        // Lighter p against heavier q: E_p[log(1 + x²)] is finite for every p with a finite log-moment.
        { "Laplace vs Cauchy", new Laplace(0.0, 1.0), new Cauchy(0.0, 1.0) },
        { "Normal vs Cauchy", new Normal(0.0, 1.0), new Cauchy(0.0, 1.0) },
        { "Normal vs Laplace", new Normal(0.0, 1.0), new Laplace(0.0, 1.0) },
        { "Laplace vs Normal", new Laplace(0.0, 1.0), new Normal(0.0, 1.0) },
        { "Cauchy vs wider Cauchy", new Cauchy(0.0, 1.0), new Cauchy(0.0, 3.0) },
        { "Cauchy vs Normal-Cauchy mixture", new Cauchy(0.0, 1.0), new Mixture(Tensor.Vector(0.5, 0.5), [new Normal(0.0, 1.0), new Cauchy(0.0, 2.0)]) },
        { "Pareto(3) vs Normal", new Pareto(1.0, 3.0), new Normal(0.0, 1.0) },
        { "Normal vs Gumbel", new Normal(0.0, 1.0), new Gumbel(0.0, 1.0) },
        { "Exponential vs Laplace", new Exponential(1.0), new Laplace(0.0, 1.0) },
        { "Gamma vs LogNormal", new Gamma(2.0, 1.0), new LogNormal(0.0, 1.0) },
        { "Poisson vs Geometric", new Poisson(2.0), new Geometric(0.3) },
        { "Binomial vs Poisson", new Binomial(5.0, 0.5), new Poisson(2.0) },
    };

    [Theory]
    [MemberData(nameof(FinitePairs))]
    public void FinitePairsAreNotDeclaredInfinite(string name, Distribution p, Distribution q)
    {
        KlFiniteness.Check(p, q).Should().BeNull(name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void LighterAgainstHeavierTailsMatchSimpsonIntegrals(int which)
    {
        // KL(Laplace(0, 1) ‖ Cauchy(0, 1)) and KL(N(0, 1) ‖ Cauchy(0, 1)) are finite; Simpson's rule on [-60, 60]
        // (the integrand is below e^-55 beyond) is the reference.
        Distribution p = which == 0 ? new Laplace(0.0, 1.0) : new Normal(0.0, 1.0);
        Func<double, double> logP = which == 0 ? x => -Math.Abs(x) - Math.Log(2) : x => (-0.5 * x * x) - (0.5 * Math.Log(2 * Math.PI));
        static double LogCauchy(double x) => -Math.Log(Math.PI * (1 + (x * x)));
        double reference = Simpson(x => Math.Exp(logP(x)) * (logP(x) - LogCauchy(x)), -60, 60, 400_000);
        var result = Kl.Divergence(p, new Cauchy(0.0, 1.0));
        result.Method.Should().Be(KlMethod.Quadrature);
        result.ToScalar().Should().BeApproximately(reference, 1e-7);
    }

    public static TheoryData<string, Distribution, Distribution> InfinitePairs() => new()
    {
        // On the side named, p's moment index m ≤ q's decay exponent a: E_p|X|^a = ∞ while -log q ≥ c|x|^a.
        { "Cauchy vs Laplace (m = 1, a = 1)", new Cauchy(0.0, 1.0), new Laplace(0.0, 1.0) },
        { "Cauchy vs Gumbel (left tail doubly exponential)", new Cauchy(0.0, 1.0), new Gumbel(0.0, 1.0) },
        { "Pareto(1.5) vs Normal (m = 1.5 ≤ 2)", new Pareto(1.0, 1.5), new Normal(0.0, 1.0) },
        { "Pareto(0.8) vs Gamma (m = 0.8 ≤ 1)", new Pareto(1.0, 0.8), new Gamma(2.0, 1.0) },
        { "Pareto(2) vs HalfNormal (m = 2 ≤ 2)", new Pareto(1.0, 2.0), new HalfNormal(1.0) },
        { "Cauchy vs Exponential (mass below 0)", new Cauchy(0.0, 1.0), new Exponential(1.0) },
        { "LogNormal vs Uniform(0, 1) (mass above 1)", new LogNormal(0.0, 1.0), new Uniform(0.0, 1.0) },
        { "Poisson vs Normal (measures)", new Poisson(2.0), new Normal(0.0, 1.0) },
        { "Beta vs Binomial (measures)", new Beta(2.0, 2.0), new Binomial(3.0, 0.5) },
    };

    [Theory]
    [MemberData(nameof(InfinitePairs))]
    public void InfinitePairsAreDeclaredInfinite(string name, Distribution p, Distribution q)
    {
        var verdict = KlFiniteness.Check(p, q);
        verdict.Should().NotBeNull(name);
        verdict!.All.Should().BeTrue();
        Kl.Divergence(p, q, FewSamples).ToScalar().Should().Be(double.PositiveInfinity, name);
    }

    [Fact]
    public void NoRegisteredClosedFormContradictsTheRule()
    {
        // Wherever the rule says +∞ for a pair with a registered closed form, the closed form must say +∞ too.
        Distribution[] families =
        [
            new Normal(0.5, 1.5), new Laplace(0.0, 1.0), new Cauchy(0.0, 1.0), new Gumbel(0.0, 1.0), new Exponential(1.0),
            new Gamma(2.0, 1.0), new HalfNormal(1.0), new Pareto(1.0, 0.5), new Pareto(1.0, 1.0), new Pareto(2.0, 2.0), new Pareto(1.0, 3.0),
            new Uniform(0.0, 1.0), new Uniform(0.5, 3.0), new Beta(2.0, 3.0), new ContinuousBernoulli(0.3), new LogNormal(0.0, 1.0),
            new Poisson(2.0), new Geometric(0.4), new Bernoulli(0.3), new Binomial(4.0, 0.3), new Categorical(Tensor.Vector(0.2, 0.8)),

            // The families added by issues 12 and 16, with heavy and light parameter choices.
            new StudentT(1.0, 0.0, 1.0), new StudentT(2.0, 0.0, 1.0), new StudentT(5.0, 0.5, 2.0), new HalfCauchy(1.0), new Chi2(3.0),
            new InverseGamma(0.5, 1.0), new InverseGamma(3.0, 2.0), new Weibull(1.0, 0.5), new Weibull(2.0, 2.0), new NegativeBinomial(3.0, 0.4),
            new Kumaraswamy(2.0, 3.0), new Kumaraswamy(0.5, 0.5), new VonMises(0.0, 1.0), new FisherSnedecor(4.0, 1.5), new FisherSnedecor(4.0, 6.0),
            new RelaxedBernoulli(0.5, 0.3),
        ];
        var registry = KlRegistry.Default;
        int checkedPairs = 0;
        foreach (var p in families)
        {
            foreach (var q in families)
            {
                if (!registry.HasClosedForm(p, q) || KlFiniteness.Check(p, q) is not { All: true })
                {
                    continue;
                }

                registry.TryEvaluate(p, q)!.ToScalar().Should().Be(double.PositiveInfinity, $"the rule says KL({p.FamilyName} ‖ {q.FamilyName}) = +∞");
                checkedPairs++;
            }
        }

        checkedPairs.Should().BeGreaterThan(20);
    }

    [Fact]
    public void UserFamiliesGetNoVerdict()
    {
        // A family that states nothing gets no rule (it may still be estimated).
        KlFiniteness.Check(new TestLaplace(0, 1), new Normal(0.0, 1.0)).Should().BeNull();
        KlFiniteness.Check(new Cauchy(0.0, 1.0), new TestLaplace(0, 1)).Should().BeNull();
    }

    [Fact]
    public void JeffreysAndJensenShannonKeepTheRule()
    {
        var p = new Cauchy(0.0, 1.0);
        var q = new Normal(0.0, 1.0);
        var jeffreys = Kl.Jeffreys(p, q);
        jeffreys.ToScalar().Should().Be(double.PositiveInfinity);
        jeffreys.Method.Should().Be(KlMethod.Rule);
        jeffreys.Reason.Should().Contain("KL(p ‖ q)").And.Contain("Cauchy");

        // JS is finite even here (p ≪ m = ½(p + q)): no rule may fire for it.
        var js = Kl.JensenShannon(new Poisson(2.0), new Normal(0.0, 1.0), FewSamples);
        js.Method.Should().NotBe(KlMethod.Rule);
        js.ToScalar().Should().BeLessThanOrEqualTo(Math.Log(2) + 1e-9);
    }

    private static double Simpson(Func<double, double> f, double a, double b, int n)
    {
        double h = (b - a) / n, sum = f(a) + f(b);
        for (int i = 1; i < n; i++)
        {
            sum += f(a + (i * h)) * (i % 2 == 1 ? 4 : 2);
        }

        return sum * h / 3;
    }
}
