using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The beta distribution on (0, 1) with concentrations α (concentration1) and β (concentration0):
/// log p(x) = (α - 1) log x + (β - 1) log(1 - x) - log B(α, β).
/// </summary>
public sealed class Beta : Distribution
{
    /// <summary>Creates Beta(concentration1, concentration0).</summary>
    /// <param name="concentration1">α, the exponent of x (positive, finite).</param>
    /// <param name="concentration0">β, the exponent of 1 - x (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Beta(Tensor concentration1, Tensor concentration0)
        : base(ParameterChecks.BroadcastParameters(nameof(Beta), concentration1, nameof(concentration1), concentration0, nameof(concentration0)), [])
    {
        Concentration1 = ParameterChecks.Positive(concentration1, nameof(Beta), nameof(concentration1));
        Concentration0 = ParameterChecks.Positive(concentration0, nameof(Beta), nameof(concentration0));
    }

    /// <summary>α, the exponent of x.</summary>
    public Tensor Concentration1 { get; }

    /// <summary>β, the exponent of 1 - x.</summary>
    public Tensor Concentration0 { get; }

    /// <summary>(0, 1).</summary>
    public override Support Support { get; } = new(false, 0.0, 1.0, "unit interval");

    /// <summary>Lebesgue on [0, 1]; bounded on both sides; the density is bounded only when both concentrations are at least 1.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Bounded, FamilyHelpers.AllAtLeast(Concentration1, 1.0) && FamilyHelpers.AllAtLeast(Concentration0, 1.0));

    /// <summary>α/(α + β).</summary>
    public override Tensor Mean => (Concentration1 / (Concentration1 + Concentration0)).BroadcastTo(BatchShapeArray);

    /// <summary>αβ/((α + β)²(α + β + 1)).</summary>
    public override Tensor Variance
    {
        get
        {
            var total = Concentration1 + Concentration0;
            return (Concentration1 * Concentration0 / (total.Square() * (total + 1.0))).BroadcastTo(BatchShapeArray);
        }
    }

    /// <summary>log B(α, β) = log Γ(α) + log Γ(β) - log Γ(α + β).</summary>
    internal Tensor LogBeta => Concentration1.LogGamma() + Concentration0.LogGamma() - (Concentration1 + Concentration0).LogGamma();

    /// <summary>E[log X] = ψ(α) - ψ(α + β).</summary>
    internal Tensor MeanLog => Concentration1.Digamma() - (Concentration1 + Concentration0).Digamma();

    /// <summary>E[log(1 - X)] = ψ(β) - ψ(α + β).</summary>
    internal Tensor MeanLog1m => Concentration0.Digamma() - (Concentration1 + Concentration0).Digamma();

    /// <summary>(α - 1) log x + (β - 1) log(1 - x) - log B(α, β) for 0 &lt; x &lt; 1, else -∞.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.Open(0.0, 1.0),
            0.5,
            x => ((Concentration1 - 1.0) * x.Log()) + ((Concentration0 - 1.0) * (-x).Log1p()) - LogBeta);

    /// <summary>Differential entropy log B(α, β) - (α - 1)ψ(α) - (β - 1)ψ(β) + (α + β - 2)ψ(α + β).</summary>
    public override Tensor Entropy() =>
        (LogBeta - ((Concentration1 - 1.0) * MeanLog) - ((Concentration0 - 1.0) * MeanLog1m)).BroadcastTo(BatchShapeArray);

    /// <summary>
    /// Not reparameterised: X/(X + Y) with X ~ Gamma(α, 1), Y ~ Gamma(β, 1) normalised in log space (no gradient),
    /// so never NaN even when both draws underflow double (α, β down to the smallest positive double).
    /// </summary>
    /// <remarks>
    /// Draws lie in [ε, 1 − 2⁻⁵³] (ε = <see cref="double.Epsilon"/>), inside the open support where the log-density is
    /// finite: at small concentrations most mass sits within rounding of 0 or 1, and such draws are written as the
    /// nearest double strictly inside.
    /// </remarks>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var a = TensorOps.Expand(Concentration1, BatchShapeArray);
        var b = TensorOps.Expand(Concentration0, BatchShapeArray);
        var data = new double[Shapes.Size(shape)];
        Span<double> concentrations = stackalloc double[2], point = stackalloc double[2];
        for (int i = 0; i < data.Length; i++)
        {
            int j = i % a.Length;
            concentrations[0] = a[j];
            concentrations[1] = b[j];
            GammaRatios.Draw(concentrations, point, random);
            data[i] = Math.Min(point[0], LargestBelowOne);
        }

        return new Tensor(data, shape);
    }

    /// <summary>1 − 2⁻⁵³, the largest double below 1.</summary>
    private static readonly double LargestBelowOne = Math.BitDecrement(1.0);
}
