using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The relaxed Bernoulli (binary Concrete) distribution on (0, 1) with temperature τ and logits l (Maddison, Mnih &amp;
/// Teh 2017, "The Concrete distribution"; Jang, Gu &amp; Poole 2017): Y = sigmoid(X) with X = (l + L)/τ and L standard
/// logistic, so log p(y) = log τ + d - 2 log(1 + e^d) - log(y(1 - y)) with d = l - τ logit(y). Reparameterised;
/// as τ → 0 it tends to Bernoulli(sigmoid(l)).
/// </summary>
public sealed class RelaxedBernoulli : Distribution
{
    /// <summary>Creates RelaxedBernoulli(temperature, probs).</summary>
    /// <param name="temperature">The temperature τ (positive, finite).</param>
    /// <param name="probs">The limiting Bernoulli probability p, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public RelaxedBernoulli(Tensor temperature, Tensor probs)
        : this(
            ParameterChecks.Positive(temperature, nameof(RelaxedBernoulli), nameof(temperature)),
            FamilyHelpers.Probability(probs, nameof(RelaxedBernoulli), nameof(probs), allowZero: false, allowOne: false).Log() - (-probs).Log1p(),
            true)
    {
    }

    private RelaxedBernoulli(Tensor temperature, Tensor logits, bool checkedAlready)
        : base(ParameterChecks.BroadcastParameters(nameof(RelaxedBernoulli), temperature, nameof(temperature), logits, nameof(logits)), [])
    {
        _ = checkedAlready;
        Temperature = temperature;
        Logits = logits;
    }

    /// <summary>The temperature τ.</summary>
    public Tensor Temperature { get; }

    /// <summary>The logits l = log(p/(1 - p)).</summary>
    public Tensor Logits { get; }

    /// <summary>The limiting Bernoulli probability sigmoid(l).</summary>
    public Tensor Probs => Logits.Sigmoid();

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>(0, 1).</summary>
    public override Support Support { get; } = new(false, 0.0, 1.0, "unit interval");

    /// <summary>
    /// Lebesgue on [0, 1]; bounded on both sides. The binary Concrete density behaves like x^(λ-1) at 0 and
    /// (1 - x)^(λ-1) at 1 (Maddison, Mnih &amp; Teh 2017, eq. 3), so it is bounded only for temperature λ ≥ 1.
    /// </summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Bounded, FamilyHelpers.AllAtLeast(Temperature, 1.0));

    /// <summary>No closed form; estimate it from samples.</summary>
    public override Tensor Mean => throw new NotSupportedException("RelaxedBernoulli has no closed-form mean; estimate it from samples.");

    /// <summary>No closed form; estimate it from samples.</summary>
    public override Tensor Variance => throw new NotSupportedException("RelaxedBernoulli has no closed-form variance; estimate it from samples.");

    /// <summary>Creates RelaxedBernoulli(temperature, logits).</summary>
    /// <param name="temperature">The temperature τ (positive, finite).</param>
    /// <param name="logits">The logits l (finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public static RelaxedBernoulli FromLogits(Tensor temperature, Tensor logits) =>
        new(
            ParameterChecks.Positive(temperature, nameof(RelaxedBernoulli), nameof(temperature)),
            ParameterChecks.Finite(logits, nameof(RelaxedBernoulli), nameof(logits)),
            true);

    /// <summary>log τ + d - 2 softplus(d) - log y - log(1 - y), d = l - τ logit(y), for 0 &lt; y &lt; 1; -∞ elsewhere.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.Open(0.0, 1.0),
            0.5,
            y =>
            {
                var logY = y.Log();
                var log1mY = (-y).Log1p();
                var d = Logits - (Temperature * (logY - log1mY));
                return Temperature.Log() + d - (d.Softplus() * 2.0) - logY - log1mY;
            });

    /// <summary>P(Y ≤ y) = P(X ≤ logit y) = sigmoid(τ logit(y) - l) on (0, 1), 0 below and 1 above.</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var inside = TensorOps.GreaterThan(value, 0.0) * TensorOps.LessThan(value, 1.0);
        var y = TensorOps.Where(inside, value, 0.5);
        var cdf = ((Temperature * (y.Log() - (-y).Log1p())) - Logits).Sigmoid();
        return TensorOps.Where(inside, cdf, TensorOps.Where(TensorOps.GreaterOrEqual(value, 1.0), 1.0, 0.0));
    }

    /// <summary>Reparameterised: sigmoid((l + log U - log(1 - U))/τ) with U ~ Uniform(0, 1).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var u = StandardNoise.Uniform(random, SampleShape(count));
        var logistic = u.Log() - (-u).Log1p();
        return ((Logits + logistic) / Temperature).Sigmoid();
    }
}
