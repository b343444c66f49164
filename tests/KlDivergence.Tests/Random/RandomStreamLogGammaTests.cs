using KlDivergence.Random;
using KlDivergence.Tests.Distributions;
using MathNet.Numerics;

namespace KlDivergence.Tests.Random;

/// <summary>
/// Log-space gamma draws: finite where the draws themselves underflow, with the exact moments of log X
/// (polygamma values summed here) and a Monte Carlo KL of Gamma(0.001) against Gamma(0.002) that matches the
/// closed form.
/// </summary>
public class RandomStreamLogGammaTests
{
    /// <summary>Σₖ≥₀ 1/(x + k)^s for s ≥ 2: the first 10⁴ terms plus the tail integral from 10⁴ − ½ (error O(10⁻⁴ˢ)).</summary>
    private static double HurwitzZeta(double s, double x)
    {
        const int terms = 10_000;
        double sum = 0;
        for (int k = terms - 1; k >= 0; k--)
        {
            sum += Math.Pow(x + k, -s);
        }

        return sum + (Math.Pow(x + terms - 0.5, 1 - s) / (s - 1));
    }

    [Theory]
    [InlineData(1e-3)]
    [InlineData(0.4)]
    [InlineData(3.0)]
    public void LogDrawsHaveTheExactMeanAndVariance(double shape)
    {
        // log X for X ~ Gamma(α): mean ψ(α), variance ψ'(α) = ζ(2, α), fourth cumulant ψ'''(α) = 6ζ(4, α),
        // so the fourth central moment is 6ζ(4, α) + 3ψ'(α)².
        var rng = new RandomStream(31);
        var x = new double[100_000];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextLogGamma(shape);
        }

        double variance = HurwitzZeta(2, shape);
        SamplerChecks.MomentsMatch(x, SpecialFunctions.DiGamma(shape), variance, (6 * HurwitzZeta(4, shape)) + (3 * variance * variance), $"log Gamma({shape})");
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-200)]
    public void AtTinyShapesScaledLogDrawsAreStandardExponential(double shape)
    {
        // −α log X = −α log G(α + 1) − log U → Exp(1) as α → 0 (the first term is O(α)): mean 1, variance 1, μ₄ = 9.
        var rng = new RandomStream(37);
        var x = new double[100_000];
        for (int i = 0; i < x.Length; i++)
        {
            double logX = rng.NextLogGamma(shape);
            double.IsFinite(logX).Should().BeTrue();
            x[i] = -shape * logX;
        }

        SamplerChecks.MomentsMatch(x, 1, 1, 9, $"-α log Gamma({shape})");
    }

    [Fact]
    public void MonteCarloKlOfGammaShapesOneAndTwoThousandthsMatchesTheClosedForm()
    {
        // log p(x) − log q(x) = (a₁ − a₂) log x − log Γ(a₁) + log Γ(a₂) for unit rates, evaluated at exact log-draws;
        // KL = (a₁ − a₂)ψ(a₁) − log Γ(a₁) + log Γ(a₂) = 0.3069 (Penny 2001). Half of these draws underflow double.
        const double a1 = 0.001, a2 = 0.002;
        const int n = 100_000;
        double offset = SpecialFunctions.GammaLn(a2) - SpecialFunctions.GammaLn(a1);
        double exact = ((a1 - a2) * SpecialFunctions.DiGamma(a1)) + offset;
        var rng = new RandomStream(41);
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            double term = ((a1 - a2) * rng.NextLogGamma(a1)) + offset;
            sum += term;
            sumSquares += term * term;
        }

        double mean = sum / n, se = Math.Sqrt(((sumSquares / n) - (mean * mean)) / (n - 1));
        exact.Should().BeApproximately(0.3069, 5e-5);
        Math.Abs(mean - exact).Should().BeLessThanOrEqualTo(5 * se, $"Monte Carlo {mean} ± {se} vs closed form {exact}");
    }

    [Fact]
    public void NextGammaIsNeverZeroAndConsumesTheStreamAsNextLogGamma()
    {
        var a = new RandomStream(43);
        var b = new RandomStream(43);
        for (int i = 0; i < 10_000; i++)
        {
            double g = a.NextGamma(1e-3), logG = b.NextLogGamma(1e-3);
            g.Should().BeGreaterThan(0);
            g.Should().Be(Math.Max(Math.Exp(logG), double.Epsilon));
        }
    }

    [Fact]
    public void BadShapesAreRejectedWithNameAndValue()
    {
        var rng = new RandomStream(1);
        FluentActions.Invoking(() => rng.NextLogGamma(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("shape");
        FluentActions.Invoking(() => rng.NextLogGamma(double.NaN)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*NaN*");
        FluentActions.Invoking(() => rng.NextLogGamma(double.PositiveInfinity)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
