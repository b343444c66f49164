using KlDivergence.Diagnostics;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences;

/// <summary>
/// The k-hat a Monte Carlo estimate reports (selected in one pass without keeping the terms) is the k-hat
/// <see cref="ParetoSmoothing.AbsoluteDeviationParetoK"/> gives on all the terms, regenerated from the same seed.
/// </summary>
public class MonteCarloKHatParityTests
{
    [Fact]
    public void FusedEstimateKHatEqualsParetoSmoothingOnTheRegeneratedTerms()
    {
        // The benchmark's W3 pair: N(3, 1) against a two-component mixture; then two Normals and two Cauchys.
        AssertParity(new Normal(3, 1), new MixtureSameFamily(new Categorical(Tensor.Vector(0.5, 0.5)), new Normal(new[] { -0.2, 1 }, new[] { 0.1, 0.5 })), 200_000, 5UL);
        AssertParity(new Normal(0.5, 2), new Normal(0, 1), 100_003, 6UL);
        AssertParity(new Cauchy(0, 1), new Cauchy(1, 2), 50_000, 7UL);
    }

    private static void AssertParity(Distribution p, Distribution q, int n, ulong seed)
    {
        var result = Kl.MonteCarlo(p, q, n, new RandomStream(seed));

        // The estimator draws chunk c of 4096 from the substream c of a child of the caller's stream; the tensor
        // sampler gives the same draws.
        var root = new RandomStream(seed).Split();
        var terms = new List<double>(n);
        for (int done = 0; done < n; done += 4096)
        {
            var x = p.Sample(Math.Min(4096, n - done), root.Substream((ulong)(done / 4096)));
            terms.AddRange((p.LogProb(x) - q.LogProb(x)).Values.ToArray());
        }

        terms.Average().Should().BeApproximately(result.ToScalar(), 1e-12 * (1 + Math.Abs(result.ToScalar())), "the regenerated draws are the estimator's");

        // The reference centres at the median, the estimator at the mean: the same tail values, shifted, so the
        // exceedances agree up to rounding only.
        double expected = ParetoSmoothing.AbsoluteDeviationParetoK(terms.ToArray());
        double k = result.ParetoK!.ToScalar();
        k.Should().BeApproximately(expected, 1e-9, $"k-hat of {p.FamilyName} vs {q.FamilyName}");
    }
}
