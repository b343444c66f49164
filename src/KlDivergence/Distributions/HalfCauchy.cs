using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The half-Cauchy distribution, |X| for X ~ Cauchy(0, γ): log p(x) = log 2 - log π - log γ - log(1 + (x/γ)²) for
/// x ≥ 0. It has no finite moments: <see cref="Mean"/> and <see cref="Variance"/> are +∞, as in PyTorch.
/// </summary>
public sealed class HalfCauchy : Distribution
{
    private const double LogPi = 1.1447298858494001741434273513530587;

    /// <summary>Creates HalfCauchy(scale).</summary>
    /// <param name="scale">The scale γ of the underlying Cauchy distribution (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">The scale is out of range; the message names it and its value.</exception>
    public HalfCauchy(Tensor scale)
        : base(FamilyHelpers.ShapeOf(scale, nameof(scale)), [])
    {
        Scale = ParameterChecks.Positive(scale, nameof(HalfCauchy), nameof(scale));
    }

    /// <summary>The scale γ.</summary>
    public Tensor Scale { get; }

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>[0, ∞).</summary>
    public override Support Support { get; } = new(false, 0.0, double.PositiveInfinity, "non-negative reals");

    /// <summary>Lebesgue on [0, ∞); polynomial right tail with moment index 1 (density ~ x^-2); bounded density.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Polynomial(1.0));

    /// <summary>Infinite: +∞.</summary>
    public override Tensor Mean => FamilyHelpers.Full(double.PositiveInfinity, BatchShapeArray);

    /// <summary>Infinite: +∞.</summary>
    public override Tensor Variance => FamilyHelpers.Full(double.PositiveInfinity, BatchShapeArray);

    /// <summary>log 2 - log π - log γ - log1p((x/γ)²) for x ≥ 0, -∞ for x &lt; 0.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.AtLeast(0.0),
            0.0,
            x => -(x / Scale).Square().Log1p() - Scale.Log() + (FamilyHelpers.Log2 - LogPi));

    /// <summary>Differential entropy log(2πγ): the Cauchy entropy log(4πγ) less log 2 for folding.</summary>
    public override Tensor Entropy() => Scale.Log() + (LogPi + FamilyHelpers.Log2);

    /// <summary>(2/π) arctan(x/γ) for x ≥ 0, else 0.</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var inside = TensorOps.GreaterOrEqual(value, 0.0);
        var x = TensorOps.Where(inside, value, 0.0);
        return TensorOps.Where(inside, SpecialFunctionOps.Atan(x / Scale) * (2 / Math.PI), 0.0);
    }

    /// <summary>Reparameterised by the inverse CDF: γ tan(πU/2) with U ~ Uniform(0, 1).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var eps = new double[Shapes.Size(shape)];
        random.FillOpenUniform(eps);
        for (int i = 0; i < eps.Length; i++)
        {
            eps[i] = Math.Tan(0.5 * Math.PI * eps[i]);
        }

        return Scale * new Tensor(eps, shape);
    }
}
