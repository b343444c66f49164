using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The Kumaraswamy distribution on (0, 1): log p(x) = log a + log b + (a - 1) log x + (b - 1) log(1 - x^a), with a
/// closed-form CDF 1 - (1 - x^a)^b and so a reparameterised sampler (Kumaraswamy 1980; Jones 2009, "Kumaraswamy's
/// distribution: a beta-type distribution with some tractability advantages").
/// </summary>
public sealed class Kumaraswamy : Distribution
{
    /// <summary>Creates Kumaraswamy(concentration1, concentration0) (PyTorch's names).</summary>
    /// <param name="concentration1">The shape a (positive, finite).</param>
    /// <param name="concentration0">The shape b (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Kumaraswamy(Tensor concentration1, Tensor concentration0)
        : base(ParameterChecks.BroadcastParameters(nameof(Kumaraswamy), concentration1, nameof(concentration1), concentration0, nameof(concentration0)), [])
    {
        Concentration1 = ParameterChecks.Positive(concentration1, nameof(Kumaraswamy), nameof(concentration1));
        Concentration0 = ParameterChecks.Positive(concentration0, nameof(Kumaraswamy), nameof(concentration0));
    }

    /// <summary>The shape a.</summary>
    public Tensor Concentration1 { get; }

    /// <summary>The shape b.</summary>
    public Tensor Concentration0 { get; }

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>(0, 1).</summary>
    public override Support Support { get; } = new(false, 0.0, 1.0, "unit interval");

    /// <summary>
    /// Lebesgue on [0, 1]; bounded on both sides; the density ab x^(a-1) (1 - x^a)^(b-1) is bounded only when both
    /// concentrations are at least 1.
    /// </summary>
    public override TailProfile? Tails =>
        TailProfile.Univariate(Support, Tail.Bounded, Tail.Bounded, FamilyHelpers.AllAtLeast(Concentration1, 1.0) && FamilyHelpers.AllAtLeast(Concentration0, 1.0));

    /// <summary>E X = b B(1 + 1/a, b).</summary>
    public override Tensor Mean => Moment(1.0).BroadcastTo(BatchShapeArray);

    /// <summary>b B(1 + 2/a, b) - (b B(1 + 1/a, b))².</summary>
    public override Tensor Variance => (Moment(2.0) - Moment(1.0).Square()).BroadcastTo(BatchShapeArray);

    /// <summary>log a + log b + (a - 1) log x + (b - 1) log1p(-x^a) for 0 &lt; x &lt; 1, -∞ elsewhere.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.Open(0.0, 1.0),
            0.5,
            x => Concentration1.Log() + Concentration0.Log() + ((Concentration1 - 1.0) * x.Log()) + ((Concentration0 - 1.0) * PowerComplementLog(x)));

    /// <summary>
    /// Differential entropy (1 - 1/b) + (1 - 1/a)H_b - log(ab), with H_b = ψ(b + 1) + γ the harmonic number
    /// (Jones 2009, §2.5).
    /// </summary>
    public override Tensor Entropy()
    {
        var harmonic = (Concentration0 + 1.0).Digamma() + FamilyHelpers.EulerGamma;
        return ((1.0 - Concentration0.Reciprocal()) + ((1.0 - Concentration1.Reciprocal()) * harmonic) - Concentration1.Log() - Concentration0.Log())
            .BroadcastTo(BatchShapeArray);
    }

    /// <summary>1 - (1 - x^a)^b on [0, 1], 0 below and 1 above.</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var inside = TensorOps.GreaterThan(value, 0.0) * TensorOps.LessThan(value, 1.0);
        var x = TensorOps.Where(inside, value, 0.5);
        var cdf = -(Concentration0 * PowerComplementLog(x)).Expm1();
        return TensorOps.Where(inside, cdf, TensorOps.Where(TensorOps.GreaterOrEqual(value, 1.0), 1.0, 0.0));
    }

    /// <summary>Reparameterised by the inverse CDF: (1 - U^{1/b})^{1/a} with U ~ Uniform(0, 1).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var logU = StandardNoise.Uniform(random, SampleShape(count)).Log();
        return ((-(logU / Concentration0).Expm1()).Log() / Concentration1).Exp();
    }

    /// <summary>log(1 - x^a), accurate for small x^a.</summary>
    private Tensor PowerComplementLog(Tensor x) => (-(Concentration1 * x.Log()).Exp()).Log1p();

    /// <summary>E Xⁿ = b B(1 + n/a, b) = b Γ(1 + n/a) Γ(b)/Γ(1 + n/a + b).</summary>
    private Tensor Moment(double n)
    {
        var shifted = 1.0 + (Concentration1.Reciprocal() * n);
        return (Concentration0.Log() + shifted.LogGamma() + Concentration0.LogGamma() - (shifted + Concentration0).LogGamma()).Exp();
    }
}
