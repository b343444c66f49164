using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The exponential distribution with rate λ, batched over the shape of λ: log p(x) = log λ - λx for x ≥ 0.
/// </summary>
public sealed class Exponential : Distribution
{
    /// <summary>Creates Exponential(rate).</summary>
    /// <param name="rate">The rate λ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is out of range; the message names it and its value.</exception>
    public Exponential(Tensor rate)
        : base(FamilyHelpers.ShapeOf(rate, nameof(rate)), [])
    {
        Rate = ParameterChecks.Positive(rate, nameof(Exponential), nameof(rate));
    }

    /// <summary>The rate λ.</summary>
    public Tensor Rate { get; }

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>[0, ∞).</summary>
    public override Support Support { get; } = new(false, 0.0, double.PositiveInfinity, "non-negative reals");

    /// <summary>Lebesgue on [0, ∞); log p falls like -λx on the right.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Power(1));

    /// <summary>1/λ.</summary>
    public override Tensor Mean => Rate.Reciprocal();

    /// <summary>1/λ².</summary>
    public override Tensor Variance => Rate.Square().Reciprocal();

    /// <summary>
    /// log λ - λx for x ≥ 0, -∞ for x &lt; 0: log λ + (-λ)x as one fused shift (the sampler's μ + σε), the bits of the
    /// product and difference it replaces ((-λ)x = -(λx) and a + (-b) = a - b exactly) in one pass over the values.
    /// </summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(value, DensityInterval.AtLeast(0.0), 0.0, x => LocationScale.Apply(x, Rate.Log(), -Rate));

    /// <summary>Differential entropy 1 - log λ.</summary>
    public override Tensor Entropy() => 1.0 - Rate.Log();

    /// <summary>1 - e^{-λx} for x ≥ 0, else 0.</summary>
    public override Tensor Cdf(Tensor value)
    {
        var inside = TensorOps.GreaterOrEqual(value, 0.0);
        var x = TensorOps.Where(inside, value, 0.0);
        return TensorOps.Where(inside, -(-(Rate * x)).Expm1(), 0.0);
    }

    /// <summary>Reparameterised by the inverse CDF: E/λ with E = -log U standard exponential.</summary>
    protected override Tensor SampleCore(int count, RandomStream random) =>
        -StandardNoise.Uniform(random, SampleShape(count)).Log() / Rate;
}
