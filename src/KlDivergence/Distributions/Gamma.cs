using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The gamma distribution with concentration (shape) α and rate β:
/// log p(x) = α log β + (α - 1) log x - βx - log Γ(α) for x &gt; 0.
/// </summary>
public sealed class Gamma : Distribution
{
    /// <summary>Creates Gamma(concentration, rate).</summary>
    /// <param name="concentration">The shape α (positive, finite).</param>
    /// <param name="rate">The rate β (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Gamma(Tensor concentration, Tensor rate)
        : base(ParameterChecks.BroadcastParameters(nameof(Gamma), concentration, nameof(concentration), rate, nameof(rate)), [])
    {
        Concentration = ParameterChecks.Positive(concentration, nameof(Gamma), nameof(concentration));
        Rate = ParameterChecks.Positive(rate, nameof(Gamma), nameof(rate));
    }

    /// <summary>The shape α.</summary>
    public Tensor Concentration { get; }

    /// <summary>The rate β.</summary>
    public Tensor Rate { get; }

    /// <summary>(0, ∞).</summary>
    public override Support Support { get; } = new(false, 0.0, double.PositiveInfinity, "positive reals");

    /// <summary>The positive reals (0, ∞).</summary>
    public override Constraint SupportConstraint => Constraint.Positive;

    /// <summary>Lebesgue on (0, ∞); log p = (k - 1) log x - βx falls like -βx on the right; the density is bounded only when every concentration is at least 1.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Power(1), FamilyHelpers.AllAtLeast(Concentration, 1.0));

    /// <summary>α/β.</summary>
    public override Tensor Mean => (Concentration / Rate).BroadcastTo(BatchShapeArray);

    /// <summary>α/β².</summary>
    public override Tensor Variance => (Concentration / Rate.Square()).BroadcastTo(BatchShapeArray);

    /// <summary>α log β + (α - 1) log x - βx - log Γ(α) for x &gt; 0, -∞ for x ≤ 0.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.AboveAndFinite(0.0),
            1.0,
            x => (Concentration * Rate.Log()) + ((Concentration - 1.0) * x.Log()) - (Rate * x) - Concentration.LogGamma());

    /// <summary>Differential entropy α - log β + log Γ(α) + (1 - α)ψ(α).</summary>
    public override Tensor Entropy() =>
        (Concentration - Rate.Log() + Concentration.LogGamma() + ((1.0 - Concentration) * Concentration.Digamma())).BroadcastTo(BatchShapeArray);

    /// <summary>
    /// Not reparameterised: G/β with G ~ Gamma(α, 1) by Marsaglia–Tsang (no gradient); for α &lt; 1 as
    /// exp(log G − log β) from the log-space draw, so β does not push draws to 0 or ∞ that are representable.
    /// </summary>
    /// <remarks>
    /// Draws are clamped to [ε, double.MaxValue] (ε = <see cref="double.Epsilon"/>): never 0 or ∞, so each lies in the
    /// support and has a finite log-density. A draw below ε (likely at α below about 0.01: P(X &lt; ε) ≈ (βε)^α/Γ(α + 1),
    /// 0.47 at α = 0.001) reads as ε, whose logarithm −744.4 is larger than the true one; expectations of log X from
    /// such samples are biased (see <see cref="RandomStream.NextLogGamma"/> for the exact logarithms).
    /// </remarks>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var alpha = TensorOps.Expand(Concentration, BatchShapeArray);
        var beta = TensorOps.Expand(Rate, BatchShapeArray);
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            int b = i % alpha.Length;
            double x = alpha[b] < 1 ? Math.Exp(random.NextLogGamma(alpha[b]) - Math.Log(beta[b])) : random.NextGamma(alpha[b]) / beta[b];
            data[i] = Math.Clamp(x, double.Epsilon, double.MaxValue);
        }

        return new Tensor(data, shape);
    }
}
