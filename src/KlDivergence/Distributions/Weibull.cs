using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The Weibull distribution with scale λ and concentration (shape) k:
/// log p(x) = log k - log λ + (k - 1) log(x/λ) - (x/λ)^k for x &gt; 0.
/// </summary>
public sealed class Weibull : Distribution
{
    /// <summary>Creates Weibull(scale, concentration) (PyTorch's argument order).</summary>
    /// <param name="scale">The scale λ (positive, finite).</param>
    /// <param name="concentration">The shape k (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Weibull(Tensor scale, Tensor concentration)
        : base(ParameterChecks.BroadcastParameters(nameof(Weibull), scale, nameof(scale), concentration, nameof(concentration)), [])
    {
        Scale = ParameterChecks.Positive(scale, nameof(Weibull), nameof(scale));
        Concentration = ParameterChecks.Positive(concentration, nameof(Weibull), nameof(concentration));
    }

    /// <summary>The scale λ.</summary>
    public Tensor Scale { get; }

    /// <summary>The shape k.</summary>
    public Tensor Concentration { get; }

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>(0, ∞).</summary>
    public override Support Support { get; } = new(false, 0.0, double.PositiveInfinity, "positive reals");

    /// <summary>The positive reals (0, ∞).</summary>
    public override Constraint SupportConstraint => Constraint.Positive;

    /// <summary>
    /// Lebesgue on [0, ∞); log p(x) = C + (k - 1) log x - (x/λ)^k falls like -x^k on the right (every moment exists);
    /// the density is bounded only for k ≥ 1 (it behaves like x^(k-1) at 0).
    /// </summary>
    public override TailProfile? Tails =>
        TailProfile.Univariate(Support, Tail.Bounded, new Tail(Concentration.Detach(), double.PositiveInfinity, "log-density falls like -x^k"), FamilyHelpers.AllAtLeast(Concentration, 1.0));

    /// <summary>λ Γ(1 + 1/k).</summary>
    public override Tensor Mean => (Scale * (1.0 + Concentration.Reciprocal()).LogGamma().Exp()).BroadcastTo(BatchShapeArray);

    /// <summary>λ²(Γ(1 + 2/k) - Γ(1 + 1/k)²).</summary>
    public override Tensor Variance =>
        (Scale.Square() * ((1.0 + (Concentration.Reciprocal() * 2.0)).LogGamma().Exp() - ((1.0 + Concentration.Reciprocal()).LogGamma() * 2.0).Exp()))
        .BroadcastTo(BatchShapeArray);

    /// <summary>log k - log λ + (k - 1) log(x/λ) - (x/λ)^k for x &gt; 0, -∞ for x ≤ 0.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.Above(0.0),
            1.0,
            x =>
            {
                var logRatio = (x / Scale).Log();
                return Concentration.Log() - Scale.Log() + ((Concentration - 1.0) * logRatio) - (Concentration * logRatio).Exp();
            });

    /// <summary>Differential entropy γ(1 - 1/k) + log(λ/k) + 1, γ the Euler–Mascheroni constant.</summary>
    public override Tensor Entropy() =>
        ((FamilyHelpers.EulerGamma * (1.0 - Concentration.Reciprocal())) + (Scale / Concentration).Log() + 1.0).BroadcastTo(BatchShapeArray);

    /// <summary>1 - exp(-(x/λ)^k) for x ≥ 0, else 0.</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var inside = TensorOps.GreaterThan(value, 0.0);
        var x = TensorOps.Where(inside, value, 1.0);
        return TensorOps.Where(inside, -(-(Concentration * (x / Scale).Log()).Exp()).Expm1(), 0.0);
    }

    /// <summary>Reparameterised by the inverse CDF: λ E^{1/k} with E = -log U standard exponential.</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var logE = (-StandardNoise.Uniform(random, SampleShape(count)).Log()).Log();
        return Scale * (logE / Concentration).Exp();
    }
}
