using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The half-normal distribution, |X| for X ~ N(0, σ²): log p(x) = ½ log(2/π) - log σ - x²/(2σ²) for x ≥ 0.
/// </summary>
public sealed class HalfNormal : Distribution
{
    private const double HalfLogTwoOverPi = -0.22579135264472743236309761494744107;

    /// <summary>Creates HalfNormal(scale).</summary>
    /// <param name="scale">The scale σ of the underlying normal (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">The scale is out of range; the message names it and its value.</exception>
    public HalfNormal(Tensor scale)
        : base(FamilyHelpers.ShapeOf(scale, nameof(scale)), [])
    {
        Scale = ParameterChecks.Positive(scale, nameof(HalfNormal), nameof(scale));
    }

    /// <summary>The scale σ.</summary>
    public Tensor Scale { get; }

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>[0, ∞).</summary>
    public override Support Support { get; } = new(false, 0.0, double.PositiveInfinity, "non-negative reals");

    /// <summary>Lebesgue on [0, ∞); log p falls like -x²/2σ² on the right.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Power(2));

    /// <summary>σ√(2/π).</summary>
    public override Tensor Mean => Scale * Math.Sqrt(2 / Math.PI);

    /// <summary>σ²(1 - 2/π).</summary>
    public override Tensor Variance => Scale.Square() * (1 - (2 / Math.PI));

    /// <summary>½ log(2/π) - log σ - x²/(2σ²) for x ≥ 0, -∞ for x &lt; 0.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.AtLeast(0.0),
            0.0,
            x => (HalfLogTwoOverPi - Scale.Log()) - ((x / Scale).Square() * 0.5));

    /// <summary>Differential entropy ½ log(πσ²/2) + ½.</summary>
    public override Tensor Entropy() => Scale.Log() + (0.5 - HalfLogTwoOverPi);

    /// <summary>2Φ(x/σ) - 1 for x ≥ 0, else 0.</summary>
    public override Tensor Cdf(Tensor value)
    {
        var inside = TensorOps.GreaterOrEqual(value, 0.0);
        var x = TensorOps.Where(inside, value, 0.0);
        return TensorOps.Where(inside, ((x / Scale).NormalCdf() * 2.0) - 1.0, 0.0);
    }

    /// <summary>Reparameterised: σ|ε| with ε ~ N(0, 1).</summary>
    protected override Tensor SampleCore(int count, RandomStream random) =>
        Scale * StandardNoise.Normal(random, SampleShape(count)).Abs();
}
