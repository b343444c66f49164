using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The relaxed one-hot categorical (Concrete, Gumbel-softmax) distribution on the open simplex of K ≥ 2 categories
/// (event shape [K]) with temperature τ and class probabilities p (Maddison, Mnih &amp; Teh 2017, "The Concrete
/// distribution"; Jang, Gu &amp; Poole 2017, "Categorical reparameterization with Gumbel-softmax"):
/// Y = softmax((log p + G)/τ) with Gₖ independent standard Gumbel. Its density, with respect to Lebesgue measure on the
/// first K - 1 coordinates, is (Maddison et al. 2017, Def. 1)
/// log p(y) = log (K - 1)! + (K - 1) log τ + Σₖ (log pₖ - (τ + 1) log yₖ) - K logsumexpₖ(log pₖ - τ log yₖ).
/// Reparameterised; as τ → 0 it tends to OneHotCategorical(p). For K = 2 it is <see cref="RelaxedBernoulli"/> in the
/// first coordinate. The mean and variance exist but have no closed form (they throw).
/// </summary>
public sealed class RelaxedOneHotCategorical : Distribution
{
    /// <summary>Creates RelaxedOneHotCategorical(temperature, probs).</summary>
    /// <param name="temperature">The temperature τ (positive, finite), batch-broadcastable.</param>
    /// <param name="probs">The limiting class probabilities, shape [..., K], K ≥ 2, each positive, rows summing to 1.</param>
    /// <exception cref="ArgumentException">A parameter is out of range; the message names it and its value.</exception>
    public RelaxedOneHotCategorical(Tensor temperature, Tensor probs)
        : this(
            ParameterChecks.Positive(temperature, nameof(RelaxedOneHotCategorical), nameof(temperature)),
            PositiveProbs(probs).Log(),
            true)
    {
    }

    private RelaxedOneHotCategorical(Tensor temperature, Tensor logProbs, bool checkedAlready)
        : base(ParameterChecks.BroadcastParameters(nameof(RelaxedOneHotCategorical), temperature, nameof(temperature), logProbs.Sum(-1), "logits"), [logProbs.ShapeArray[^1]])
    {
        _ = checkedAlready;
        Temperature = temperature;
        Logits = logProbs;
    }

    /// <summary>The temperature τ.</summary>
    public Tensor Temperature { get; }

    /// <summary>The normalised log-probabilities log pₖ (logsumexp over the last axis is 0), shape [..., K].</summary>
    public Tensor Logits { get; }

    /// <summary>The limiting class probabilities pₖ.</summary>
    public Tensor Probs => Logits.Exp();

    /// <summary>The number of categories K.</summary>
    public int CategoryCount => EventShapeArray[0];

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>The open probability simplex.</summary>
    public override Support Support { get; } = new(false, 0.0, 1.0, "probability simplex");

    /// <summary>The probability simplex (event rank 1).</summary>
    public override Constraint SupportConstraint => Constraint.Simplex;

    /// <summary>
    /// Lebesgue on the simplex (multivariate: no tails). The density is not claimed bounded: near a face where one
    /// coordinate y → 0 it behaves like y^(τ(K - 1) - 1), unbounded for τ &lt; 1/(K - 1).
    /// </summary>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Lebesgue);

    /// <summary>No closed form; estimate it from samples.</summary>
    public override Tensor Mean => throw new NotSupportedException("RelaxedOneHotCategorical has no closed-form mean; estimate it from samples.");

    /// <summary>No closed form; estimate it from samples.</summary>
    public override Tensor Variance => throw new NotSupportedException("RelaxedOneHotCategorical has no closed-form variance; estimate it from samples.");

    /// <summary>Creates RelaxedOneHotCategorical(temperature, softmax(logits)).</summary>
    /// <param name="temperature">The temperature τ (positive, finite), batch-broadcastable.</param>
    /// <param name="logits">Unnormalised log-probabilities, shape [..., K], K ≥ 2, all finite.</param>
    /// <exception cref="ArgumentException">A parameter is out of range; the message names it and its value.</exception>
    public static RelaxedOneHotCategorical FromLogits(Tensor temperature, Tensor logits) =>
        new(
            ParameterChecks.Positive(temperature, nameof(RelaxedOneHotCategorical), nameof(temperature)),
            ProbabilityChecks.NormalizedLogits(ParameterChecks.Finite(AtLeastTwoCategories(logits, nameof(logits)), nameof(RelaxedOneHotCategorical), nameof(logits)), nameof(RelaxedOneHotCategorical), nameof(logits)),
            true);

    /// <summary>The Concrete log-density (see the type) on the open simplex (Σ y within 1e-9 of 1); -∞ elsewhere.</summary>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int k = CategoryCount;
        if (value.Rank == 0 || value.ShapeArray[^1] != k)
        {
            throw new ArgumentException($"{nameof(RelaxedOneHotCategorical)}: a value of shape {Shapes.Format(value.ShapeArray)} does not end in the event dimension {k}.", nameof(value));
        }

        // Off the open simplex the density is 0: evaluate at the centre and mask, so nothing turns NaN.
        Tensor inside;
        using (Tensor.NoGrad())
        {
            var positive = TensorOps.EqualTo(TensorOps.GreaterThan(value, 0.0).Sum(-1), k);
            inside = positive * TensorOps.LessThan((value.Sum(-1) - 1.0).Abs(), Dirichlet.SimplexTolerance);
        }

        var logY = TensorOps.Where(inside.Unsqueeze(-1), value, 1.0 / k).Log();
        var tau = Temperature.Unsqueeze(-1);
        var scores = Logits - (tau * logY);
        var logP = GammaFunctions.LogGamma(k) + ((k - 1.0) * Temperature.Log()) + (scores - logY).Sum(-1) - (scores.LogSumExp(-1) * (double)k);
        return TensorOps.Where(inside, logP, double.NegativeInfinity);
    }

    /// <summary>
    /// Reparameterised: softmax((log p + G)/τ) with Gₖ = -log(-log Uₖ), in log space; a coordinate that underflows is
    /// kept at the smallest positive double so that the log-density at the draw stays finite.
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var gumbel = -(-StandardNoise.Uniform(random, SampleShape(count)).Log()).Log();
        var z = (Logits + gumbel) / Temperature.Unsqueeze(-1);
        return TensorOps.Maximum((z - z.LogSumExp(-1, keepDims: true)).Exp(), double.Epsilon);
    }

    private static Tensor PositiveProbs(Tensor probs)
    {
        var normalized = ProbabilityChecks.NormalizedProbs(AtLeastTwoCategories(probs, nameof(probs)), nameof(RelaxedOneHotCategorical), nameof(probs), renormalize: false);
        foreach (double v in probs.Values)
        {
            if (!(v > 0))
            {
                throw ParameterChecks.Invalid(nameof(RelaxedOneHotCategorical), nameof(probs), "must be positive (the relaxation lives on the open simplex)", v);
            }
        }

        return normalized;
    }

    private static Tensor AtLeastTwoCategories(Tensor? parameter, string paramName)
    {
        ArgumentNullException.ThrowIfNull(parameter, paramName);
        return parameter.Rank >= 1 && parameter.ShapeArray[^1] >= 2
            ? parameter
            : throw new ArgumentException($"{nameof(RelaxedOneHotCategorical)}: {paramName} needs a last axis of at least 2 categories, got shape {Shapes.Format(parameter.ShapeArray)}.", paramName);
    }
}
