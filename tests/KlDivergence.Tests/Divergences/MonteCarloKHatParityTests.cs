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

    [Fact]
    public void GradientEstimateKHatIsFoundWhenReadFromTheDrawsOfItsOwnStep()
    {
        // A fit's step: the estimate is taken with gradients, differentiated, and the parameters move on before anyone
        // reads the reliability. k-hat, found only then, must still be that of the step's own draws (regenerated
        // here from the seed, with the parameters' values at the time of the step).
        var mixture = new MixtureSameFamily(new Categorical(Tensor.Vector(0.5, 0.5)), new Normal(new[] { -0.2, 1 }, new[] { 0.1, 0.5 }));
        var loc = Tensor.Scalar(3.0, requiresGrad: true);
        var scale = Tensor.Scalar(1.0, requiresGrad: true);
        var result = Kl.MonteCarlo(new Normal(loc, scale), mixture, 5000, new RandomStream(11UL));
        result.GradientEstimator.Should().Be(KlGradientEstimator.Reparameterized);
        result.Value.Backward();
        loc.Grad.Should().NotBeNull();
        loc.Data[0] = -7; // what an optimizer's step does to a parameter in place
        scale.Data[0] = 9;

        double expected = ParetoSmoothing.AbsoluteDeviationParetoK(RegeneratedTerms(new Normal(3, 1), mixture, 5000, 11UL));
        result.ParetoK!.ToScalar().Should().BeApproximately(expected, 1e-9);
        result.IsReliable.Should().Be(expected <= ParetoSmoothing.ReliabilityThreshold);
    }

    [Fact]
    public void GradientEstimateOfHeavyTailedTermsIsFlaggedWhenRead()
    {
        // KL(Cauchy ‖ Normal): tᵢ ≈ xᵢ²/2 for Cauchy xᵢ has tail index 2, so k-hat is near 2 and the estimate unreliable.
        // q is a normal the finiteness rule does not recognise, so the estimate is made (the rule would answer +∞).
        var normal = new DisguisedDistribution(new Normal(0, 1), withCdf: false);
        var loc = Tensor.Scalar(0.0, requiresGrad: true);
        var result = Kl.MonteCarlo(new Cauchy(loc, 1.0), normal, 4000, new RandomStream(3UL));
        result.GradientEstimator.Should().Be(KlGradientEstimator.Reparameterized);
        double expected = ParetoSmoothing.AbsoluteDeviationParetoK(RegeneratedTerms(new Cauchy(0, 1), normal, 4000, 3UL));
        expected.Should().BeGreaterThan(ParetoSmoothing.ReliabilityThreshold);
        result.IsReliable.Should().BeFalse();
        result.Reason.Should().Contain("Pareto k-hat");

        // Centred at the mean (the one-pass summary's centre), far above the median for these terms, k-hat is not the
        // median-centred reference's here, but it is the no-gradient estimate's, bit for bit.
        var untracked = Kl.MonteCarlo(new Cauchy(0, 1.0), normal, 4000, new RandomStream(3UL));
        result.ParetoK!.ToScalar().Should().Be(untracked.ParetoK!.ToScalar());
        result.ToScalar().Should().Be(untracked.ToScalar());
        Action strict = () => Kl.MonteCarlo(new Cauchy(loc, 1.0), normal, 4000, new RandomStream(3UL), requireReliable: true);
        strict.Should().Throw<UnreliableKlException>();
    }

    /// <summary>
    /// The terms log p - log q of an estimate with n draws from the seed (reparameterised draws, as with gradients, or
    /// plain ones), drawn as the estimator draws them: chunk c of 4096 from the substream c of a child of the stream.
    /// </summary>
    private static double[] RegeneratedTerms(Distribution p, Distribution q, int n, ulong seed, bool reparameterized = true)
    {
        var root = new RandomStream(seed).Split();
        var terms = new List<double>(n);
        for (int done = 0; done < n; done += 4096)
        {
            int m = Math.Min(4096, n - done);
            var stream = root.Substream((ulong)(done / 4096));
            var x = reparameterized ? p.ReparameterizedSample(m, stream) : p.Sample(m, stream);
            terms.AddRange((p.LogProb(x) - q.LogProb(x)).Values.ToArray());
        }

        return [.. terms];
    }

    private static void AssertParity(Distribution p, Distribution q, int n, ulong seed)
    {
        var result = Kl.MonteCarlo(p, q, n, new RandomStream(seed));
        var terms = RegeneratedTerms(p, q, n, seed, reparameterized: false);

        terms.Average().Should().BeApproximately(result.ToScalar(), 1e-12 * (1 + Math.Abs(result.ToScalar())), "the regenerated draws are the estimator's");

        // The reference centres at the median, the estimator at the mean: the same tail values, shifted, so the
        // exceedances agree up to rounding only.
        double expected = ParetoSmoothing.AbsoluteDeviationParetoK(terms);
        double k = result.ParetoK!.ToScalar();
        k.Should().BeApproximately(expected, 1e-9, $"k-hat of {p.FamilyName} vs {q.FamilyName}");
    }
}
