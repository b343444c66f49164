using KlDivergence.Diagnostics;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Divergences.Quadrature;
using KlDivergence.Inference;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Diagnostics;

/// <summary>
/// Every estimating call reports the one <see cref="Estimate"/> shape, holding the same numbers as its own fields, and
/// those numbers agree with a formula worked out here within 5 of the reported standard errors.
/// </summary>
public class EstimateTests
{
    [Fact]
    public void KlResultCarriesItsValueAndStandardErrorAsAnEstimate()
    {
        // KL(N(0, 1) ‖ N(1, 2²)) = log(σq/σp) + (σp² + (μp - μq)²) / (2σq²) - 1/2.
        double exact = Math.Log(2.0) + ((1.0 + 1.0) / (2 * 4.0)) - 0.5;
        var result = Kl.MonteCarlo(new Normal(0, 1), new Normal(1, 2), 20_000, new RandomStream(21UL));
        var estimate = result.Estimate;
        estimate.Value.ToArray().Should().Equal(result.Value.ToArray());
        estimate.StandardError.ToArray().Should().Equal(result.StandardError.ToArray());
        estimate.StandardErrorScalar().Should().BeGreaterThan(0);
        estimate.ToScalar().Should().BeApproximately(exact, 5 * estimate.StandardErrorScalar());
    }

    [Fact]
    public void EntropyEstimateIsAnEstimateAndStillDeconstructsAsThePair()
    {
        // H(N(μ, σ²)) = ½ log(2πe σ²), per batch element.
        var d = new Normal(Tensor.Vector(0.0, 3.0), Tensor.Vector(2.0, 0.5));
        Estimate estimate = d.EstimateEntropy(20_000, new RandomStream(5UL));
        var (value, standardError) = d.EstimateEntropy(20_000, new RandomStream(5UL));
        value.ToArray().Should().Equal(estimate.Value.ToArray());
        standardError.ToArray().Should().Equal(estimate.StandardError.ToArray());
        var sigmas = new[] { 2.0, 0.5 };
        for (int b = 0; b < 2; b++)
        {
            double exact = 0.5 * Math.Log(2 * Math.PI * Math.E * sigmas[b] * sigmas[b]);
            double se = estimate.StandardError.ToArray()[b];
            se.Should().BeGreaterThan(0);
            estimate.Value.ToArray()[b].Should().BeApproximately(exact, 5 * se);
        }
    }

    [Fact]
    public void ElboEstimateCarriesItsValueAndStandardErrorAsAnEstimate()
    {
        // Target p̃ = N(0, 1) (normaliser 1) and q = N(0.5, 1.5²): ELBO = -KL(q ‖ p) = -(log(1/1.5) + (1.5² + 0.5²)/2 - ½).
        var surrogate = new MeanFieldNormal(1, initialLoc: 0.5, initialScale: 1.5);
        var elbo = Elbo.Estimate(z => new Normal(0, 1).LogProb(z).Sum(1), surrogate, 20_000, new RandomStream(9UL));
        double exact = -(Math.Log(1 / 1.5) + ((1.5 * 1.5) + (0.5 * 0.5)) / 2 - 0.5);
        var estimate = elbo.Estimate;
        estimate.ToScalar().Should().Be(elbo.Value.ToScalar());
        estimate.StandardErrorScalar().Should().Be(elbo.StandardError);
        estimate.StandardErrorScalar().Should().BeGreaterThan(0);
        estimate.ToScalar().Should().BeApproximately(exact, 5 * estimate.StandardErrorScalar());
    }

    [Fact]
    public void QuadratureResultCarriesItsValueAndErrorEstimateAsAnEstimate()
    {
        // ∫₀¹ x² dx = 1/3.
        var result = AdaptiveQuadrature.Integrate(x => x * x, 0, 1);
        var estimate = result.Estimate;
        estimate.ToScalar().Should().Be(result.Value);
        estimate.StandardErrorScalar().Should().Be(result.ErrorEstimate);
        estimate.ToScalar().Should().BeApproximately(1.0 / 3.0, 1e-14);
    }

    [Fact]
    public void ANegativeStandardErrorIsRejectedByName()
    {
        var act = () => Estimate.FromScalars(1.0, -0.1);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("standardError");
        Estimate.FromScalars(1.5, 0.25).ToString().Should().Be("1.5 ± 0.25");
    }
}
