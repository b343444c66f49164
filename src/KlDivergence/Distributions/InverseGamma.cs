using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The inverse-gamma distribution, 1/G for G ~ Gamma(α, rate β): log p(x) = α log β - log Γ(α) - (α + 1) log x - β/x
/// for x &gt; 0. Its mean exists for α &gt; 1 and its variance for α &gt; 2 (+∞ otherwise, as in PyTorch).
/// </summary>
public sealed class InverseGamma : Distribution
{
    /// <summary>Creates InverseGamma(concentration, scale).</summary>
    /// <param name="concentration">The shape α (positive, finite).</param>
    /// <param name="scale">The scale β (positive, finite): the rate of the gamma distribution of 1/X.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public InverseGamma(Tensor concentration, Tensor scale)
        : base(ParameterChecks.BroadcastParameters(nameof(InverseGamma), concentration, nameof(concentration), scale, nameof(scale)), [])
    {
        Concentration = ParameterChecks.Positive(concentration, nameof(InverseGamma), nameof(concentration));
        Scale = ParameterChecks.Positive(scale, nameof(InverseGamma), nameof(scale));
        Reciprocal = new Gamma(Concentration, Scale);
    }

    /// <summary>The shape α.</summary>
    public Tensor Concentration { get; }

    /// <summary>The scale β.</summary>
    public Tensor Scale { get; }

    /// <summary>(0, ∞).</summary>
    public override Support Support { get; } = new(false, 0.0, double.PositiveInfinity, "positive reals");

    /// <summary>The positive reals (0, ∞).</summary>
    public override Constraint SupportConstraint => Constraint.Positive;

    /// <summary>
    /// Lebesgue on (0, ∞); the density vanishes faster than any power at 0 (bounded side) and falls like x^-(α+1) on
    /// the right, so E X^r is finite exactly for r &lt; α; the density is bounded (its mode is β/(α + 1)).
    /// </summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Polynomial(Concentration));

    /// <summary>β/(α - 1) for α &gt; 1, +∞ otherwise.</summary>
    public override Tensor Mean
    {
        get
        {
            var finite = TensorOps.GreaterThan(Concentration, 1.0);
            var safe = TensorOps.Where(finite, Concentration, 2.0);
            return TensorOps.Where(finite, Scale / (safe - 1.0), double.PositiveInfinity).BroadcastTo(BatchShapeArray);
        }
    }

    /// <summary>β²/((α - 1)²(α - 2)) for α &gt; 2, +∞ otherwise.</summary>
    public override Tensor Variance
    {
        get
        {
            var finite = TensorOps.GreaterThan(Concentration, 2.0);
            var safe = TensorOps.Where(finite, Concentration, 3.0);
            return TensorOps.Where(finite, Scale.Square() / ((safe - 1.0).Square() * (safe - 2.0)), double.PositiveInfinity).BroadcastTo(BatchShapeArray);
        }
    }

    /// <summary>The law of 1/X: Gamma(α, rate β).</summary>
    internal Gamma Reciprocal { get; }

    /// <summary>α log β - log Γ(α) - (α + 1) log x - β/x for x &gt; 0, -∞ for x ≤ 0.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.Above(0.0),
            1.0,
            x => (Concentration * Scale.Log()) - Concentration.LogGamma() - ((Concentration + 1.0) * x.Log()) - (Scale / x));

    /// <summary>Differential entropy α + log β + log Γ(α) - (1 + α)ψ(α).</summary>
    public override Tensor Entropy() =>
        (Concentration + Scale.Log() + Concentration.LogGamma() - ((Concentration + 1.0) * Concentration.Digamma())).BroadcastTo(BatchShapeArray);

    /// <summary>Q(α, β/x) = 1 - P(α, β/x) for x &gt; 0 (P the regularised lower incomplete gamma function), else 0.</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var inside = TensorOps.GreaterThan(value, 0.0);
        var x = TensorOps.Where(inside, value, 1.0);
        return TensorOps.Where(inside, 1.0 - SpecialFunctionOps.GammaLowerRegularized(Concentration, Scale / x), 0.0);
    }

    /// <summary>Not reparameterised: 1/G with G drawn by <see cref="Gamma"/>'s sampler.</summary>
    protected override Tensor SampleCore(int count, RandomStream random) => Reciprocal.Sample(count, random).Reciprocal();
}
