using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// The finiteness rule for the families added by issue 12/16 (StudentT, HalfCauchy, Chi2, InverseGamma, Weibull,
/// NegativeBinomial, Kumaraswamy, VonMises, FisherSnedecor, Multinomial, LogisticNormal, RelaxedBernoulli). Each
/// infinite case cites its argument: KL = E_p[log p] + E_p[-log q], p's entropy is finite, q's density is bounded,
/// so E_p[-log q] = +∞ (a moment p lacks, or mass where q has none) makes KL = +∞. Finite cases are checked against
/// a formula or a Simpson integral written here.
/// </summary>
public class AddedFamilyFinitenessTests
{
    private static readonly KlOptions FewSamples = new() { SampleCount = 20_000, Seed = 7 };

    public static TheoryData<string, Distribution, Distribution> InfinitePairs() => new()
    {
        // Student's t with ν ≤ 2 has E X² = ∞, while -log N(x; μ, σ) = C + (x - μ)²/2σ².
        { "StudentT(2) vs Normal", new StudentT(2.0, 0.0, 1.0), new Normal(0.0, 1.0) },
        { "StudentT(1.5) vs Normal", new StudentT(1.5, 0.0, 1.0), new Normal(0.0, 1.0) },
        // ν ≤ 1: E|X| = ∞ while -log Laplace = C + |x|/b.
        { "StudentT(1) vs Laplace", new StudentT(1.0, 0.0, 1.0), new Laplace(0.0, 1.0) },
        // The half-Cauchy has E X = ∞ (density ~ 2/(πx²)) while -log Exp(x; λ) = -log λ + λx.
        { "HalfCauchy vs Exponential", new HalfCauchy(1.0), new Exponential(1.0) },
        // InverseGamma(α, β) has density ~ x^-(α+1), so E X = ∞ for α ≤ 1, while -log Gamma(x; 2, 1) = C - log x + x.
        { "InverseGamma(0.5, 1) vs Gamma(2, 1)", new InverseGamma(0.5, 1.0), new Gamma(2.0, 1.0) },
        { "InverseGamma(1, 1) vs Exponential", new InverseGamma(1.0, 1.0), new Exponential(1.0) },
        // Pareto(α = 1.5) lacks E X^2 while -log Weibull(x; λ, k = 2) = C - log x + (x/λ)².
        { "Pareto(1.5) vs Weibull(k = 2)", new Pareto(1.0, 1.5), new Weibull(1.0, 2.0) },
        // F(d₁, d₂ = 1.5) has E X^r finite only for r < 0.75 while -log Chi2(x; 3) = C - ½ log x + x/2.
        { "FisherSnedecor(5, 1.5) vs Chi2(3)", new FisherSnedecor(5.0, 1.5), new Chi2(3.0) },
        // Chi2(3) puts mass on (0, ∞), above Kumaraswamy's [0, 1].
        { "Chi2(3) vs Kumaraswamy (mass above 1)", new Chi2(3.0), new Kumaraswamy(2.0, 2.0) },
        // von Mises puts mass on all of [-π, π], beyond Uniform(-1, 1).
        { "VonMises vs Uniform(-1, 1) (mass beyond ±1)", new VonMises(0.0, 1.0), new Uniform(-1.0, 1.0) },
        // Measures: a discrete p's atoms have probability 0 under a continuous q, and the reverse.
        { "NegativeBinomial vs Normal (measures)", new NegativeBinomial(3.0, 0.4), new Normal(0.0, 1.0) },
        { "Weibull vs NegativeBinomial (measures)", new Weibull(1.0, 2.0), new NegativeBinomial(3.0, 0.4) },
        { "RelaxedBernoulli vs Bernoulli (measures)", new RelaxedBernoulli(0.5, 0.3), new Bernoulli(0.3) },
        { "Multinomial vs Dirichlet (measures)", new Multinomial(1, Tensor.Vector(0.2, 0.3, 0.5)), new Dirichlet(Tensor.Vector(1.0, 2.0, 3.0)) },
        { "LogisticNormal vs OneHotCategorical (measures)", new LogisticNormal(Tensor.Vector(0.0, 1.0), Tensor.Vector(1.0, 1.0)), new OneHotCategorical(Tensor.Vector(0.2, 0.3, 0.5)) },
    };

    [Theory]
    [MemberData(nameof(InfinitePairs))]
    public void InfinitePairsAreDeclaredInfinite(string name, Distribution p, Distribution q)
    {
        var verdict = KlFiniteness.Check(p, q);
        verdict.Should().NotBeNull(name);
        verdict!.All.Should().BeTrue(name);
    }

    [Fact]
    public void StudentTWithTwoOrFewerDegreesOfFreedomAgainstNormalIsInfiniteByRule()
    {
        var result = Kl.Divergence(new StudentT(2.0, 0.0, 1.0), new Normal(0.0, 1.0), FewSamples);
        result.ToScalar().Should().Be(double.PositiveInfinity);
        result.Method.Should().Be(KlMethod.Rule);
        result.Reason.Should().Contain("StudentT").And.Contain("Normal");
    }

    public static TheoryData<string, Distribution, Distribution> FinitePairs() => new()
    {
        { "StudentT(3) vs Normal", new StudentT(3.0, 0.0, 1.0), new Normal(0.0, 1.0) },
        { "StudentT(1) vs StudentT(1, scale 2)", new StudentT(1.0, 0.0, 1.0), new StudentT(1.0, 0.0, 2.0) },
        { "StudentT(1) vs Cauchy", new StudentT(1.0, 0.0, 1.0), new Cauchy(0.0, 2.0) },
        { "InverseGamma(3, 1) vs Gamma(2, 1)", new InverseGamma(3.0, 1.0), new Gamma(2.0, 1.0) },
        { "Weibull(k = 2) vs Normal", new Weibull(1.0, 2.0), new Normal(0.0, 1.0) },
        { "Chi2(3) vs Gamma(1.5, 0.5)", new Chi2(3.0), new Gamma(1.5, 0.5) },
        { "FisherSnedecor(5, 5) vs Exponential", new FisherSnedecor(5.0, 5.0), new Exponential(1.0) },
        { "HalfCauchy vs InverseGamma(0.5, 1)", new HalfCauchy(1.0), new InverseGamma(0.5, 1.0) },
        { "VonMises vs Normal", new VonMises(0.0, 1.0), new Normal(0.0, 1.0) },
        { "Kumaraswamy vs Beta", new Kumaraswamy(2.0, 3.0), new Beta(2.0, 2.0) },
        { "NegativeBinomial vs Poisson", new NegativeBinomial(3.0, 0.4), new Poisson(2.0) },
    };

    [Theory]
    [MemberData(nameof(FinitePairs))]
    public void FinitePairsAreNotDeclaredInfinite(string name, Distribution p, Distribution q)
    {
        KlFiniteness.Check(p, q).Should().BeNull(name);
    }

    [Fact]
    public void StudentTThreeAgainstNormalMatchesASimpsonIntegral()
    {
        // KL(t₃ ‖ N(0, 1)) is finite (E X² = 3 < ∞ for ν = 3). The integrand decays only like x^-2, so integrate in
        // u with x = sinh u (dx = cosh u du): it then decays like e^-|u|, and [-40, 40] leaves < 1e-16 out.
        // log t₃(x) = log Γ(2) - log Γ(3/2) - ½ log 3π - 2 log(1 + x²/3), with Γ(2) = 1 and Γ(3/2) = √π/2.
        double logC = -Math.Log(Math.Sqrt(Math.PI) / 2) - (0.5 * Math.Log(3 * Math.PI));
        double Integrand(double u)
        {
            double x = Math.Sinh(u);
            double logP = logC - (2 * Math.Log(1 + (x * x / 3)));
            double logQ = (-0.5 * x * x) - (0.5 * Math.Log(2 * Math.PI));
            return Math.Exp(logP) * (logP - logQ) * Math.Cosh(u);
        }

        double reference = Simpson(Integrand, -40, 40, 400_000);
        var result = Kl.Divergence(new StudentT(3.0, 0.0, 1.0), new Normal(0.0, 1.0));
        result.Method.Should().NotBe(KlMethod.Rule);
        result.ToScalar().Should().BeApproximately(reference, 1e-6);
    }

    [Fact]
    public void StudentTOneAgainstAWiderOneMatchesTheCauchyFormula()
    {
        // StudentT(1, 0, s) is Cauchy(0, s); KL(Cauchy(0, 1) ‖ Cauchy(0, 2)) = log((1 + 2)²/(4·1·2)) = log(9/8)
        // (Chyzak & Nielsen 2019).
        var result = Kl.Divergence(new StudentT(1.0, 0.0, 1.0), new StudentT(1.0, 0.0, 2.0));
        result.Method.Should().NotBe(KlMethod.Rule);
        result.ToScalar().Should().BeApproximately(Math.Log(9.0 / 8.0), 1e-6);
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
