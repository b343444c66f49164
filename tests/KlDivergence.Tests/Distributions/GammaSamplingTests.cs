using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using MathNet.Numerics;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Gamma draws are never 0 or ∞ (so the family's own log-density is finite at every draw) at shapes from 10⁻³⁰⁰
/// to 10³ and rates from 10⁻³⁰⁰ to 10³⁰⁰; moments against the exact ones; Monte Carlo KL against the closed form
/// written here.
/// </summary>
public class GammaSamplingTests
{
    public static TheoryData<double, double> ValidityCases()
    {
        var data = new TheoryData<double, double>();
        foreach (double a in new[] { 1e-300, 1e-10, 1e-3, 1, 1e3 })
        {
            foreach (double b in new[] { 1e-300, 1.0, 1e300 })
            {
                data.Add(a, b);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ValidityCases))]
    public void DrawsArePositiveFiniteAndHaveFiniteLogProb(double concentration, double rate)
    {
        var d = new Gamma(concentration, rate);
        var x = d.Sample(2000, new RandomStream(9));
        x.ToArray().Should().OnlyContain(v => v > 0 && double.IsFinite(v));
        d.LogProb(x).ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Theory]
    [InlineData(0.3, 1e6)]
    [InlineData(1e3, 2.0)]
    public void MomentsOfDrawsAreWithinFiveStandardErrors(double a, double b)
    {
        var x = new Gamma(a, b).Sample(100_000, new RandomStream(20251202UL)).ToArray();

        // Gamma(α, β): mean α/β, variance α/β², fourth central moment 3α(α + 2)/β⁴.
        SamplerChecks.MomentsMatch(x, a / b, a / (b * b), 3 * a * (a + 2) / (b * b * b * b), $"Gamma({a}, {b})");
    }

    [Fact]
    public void EveryDrawOfATinyShapeHasFiniteLogDensityUnderBothFamilies()
    {
        // Half of Gamma(0.001) draws lie below the smallest double; the old sampler returned them as 0, where
        // log p = -∞ (so Monte Carlo KL of Gamma(0.001) against Gamma(0.002) read -0.193).
        var p = new Gamma(0.001, 1.0);
        var q = new Gamma(0.002, 1.0);
        var x = p.Sample(10_000, new RandomStream(4));
        p.LogProb(x).ToArray().Should().OnlyContain(v => double.IsFinite(v));
        q.LogProb(x).ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void MonteCarloKlAtSmallShapesMatchesTheClosedForm()
    {
        // KL(Gamma(a₁, b₁) ‖ Gamma(a₂, b₂)) = (a₁ − a₂)ψ(a₁) − log Γ(a₁) + log Γ(a₂) + a₂ log(b₁/b₂) + a₁(b₂ − b₁)/b₁
        // (e.g. Penny 2001, "KL-divergences of Normal, Gamma, Dirichlet and Wishart densities"), here b₁ = b₂ = 1.
        const double a1 = 0.01, a2 = 0.02;
        double exact = ((a1 - a2) * SpecialFunctions.DiGamma(a1)) - SpecialFunctions.GammaLn(a1) + SpecialFunctions.GammaLn(a2);
        var result = Kl.MonteCarlo(new Gamma(a1, 1.0), new Gamma(a2, 1.0), 100_000, new RandomStream(5));
        double value = result.Value.ToScalar(), se = result.StandardError.ToScalar();
        double.IsFinite(value).Should().BeTrue();
        Math.Abs(value - exact).Should().BeLessThanOrEqualTo(5 * se, $"Monte Carlo {value} ± {se} vs closed form {exact}");
    }
}
