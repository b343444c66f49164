using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// Dirichlet draws are never NaN, lie on the simplex with a finite log-density at concentrations down to 10⁻³⁰⁰
/// (and subnormal ones), and have the exact marginal moments and vertex frequencies.
/// </summary>
public class DirichletSamplingTests
{
    public static TheoryData<double[]> ValidityCases() =>
    [
        [1e-300, 1e-300],
        [1e-300, 1e-300, 1e-300],
        [1e-10, 1e-10, 1e-10],
        [1e-3, 1e-3, 1e-3],
        [1.0, 1.0, 1.0],
        [1e3, 1e3, 1e3],
        [1e-300, 1.0, 1e3],
        [1e-3, 1e3],
        [1e-310, 1e-310, 1e-310],
    ];

    [Theory]
    [MemberData(nameof(ValidityCases))]
    public void DrawsAreOnTheSimplexAndHaveFiniteLogProb(double[] concentration)
    {
        int k = concentration.Length;
        var d = new Dirichlet(Tensor.FromArray(concentration, [k]));
        var x = d.Sample(2000, new RandomStream(19));
        var v = x.ToArray();
        v.Should().OnlyContain(c => c >= 0 && c <= 1);
        for (int i = 0; i < 2000; i++)
        {
            Math.Abs(v.AsSpan(i * k, k).ToArray().Sum() - 1).Should().BeLessThan(Dirichlet.SimplexTolerance);
        }

        d.LogProb(x).ToArray().Should().OnlyContain(c => double.IsFinite(c));
    }

    [Fact]
    public void MarginalMomentsAtSmallConcentrationsAreWithinFiveStandardErrors()
    {
        // Each coordinate of Dirichlet(α) is Beta(αₖ, α₀ − αₖ). The old sampler gave NaN rows here (0/0).
        double[] alpha = [0.001, 0.002, 0.003];
        const int n = 100_000;
        var x = new Dirichlet(Tensor.FromArray(alpha, [3])).Sample(n, new RandomStream(20251202UL)).ToArray();
        for (int j = 0; j < 3; j++)
        {
            var column = Enumerable.Range(0, n).Select(i => x[(i * 3) + j]).ToArray();
            var (mean, variance, fourth) = SamplerChecks.BetaMoments(alpha[j], alpha.Sum() - alpha[j]);
            SamplerChecks.MomentsMatch(column, mean, variance, fourth, $"coordinate {j}");
        }
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-310)]
    public void AtTinyConcentrationsDrawsSitAtVertexKWithProbabilityAlphaKOverTheTotal(double scale)
    {
        // As α₀ → 0 with the ratios fixed, Dirichlet(α) tends to Σₖ (αₖ/α₀) δ at vertex k: log Gₖ ≈ −Eₖ/αₖ with
        // Eₖ ~ Exp(1), the largest is the smallest of exponentials with rates αₖ, and that is k with probability αₖ/α₀.
        const int n = 20_000;
        var x = new Dirichlet(Tensor.FromArray([scale, 2 * scale, 3 * scale], [3])).Sample(n, new RandomStream(23)).ToArray();
        for (int j = 0; j < 3; j++)
        {
            int hits = Enumerable.Range(0, n).Count(i => x[(i * 3) + j] > 0.5);
            SamplerChecks.FractionMatches(hits, n, (j + 1) / 6.0, $"vertex {j}");
        }
    }
}
