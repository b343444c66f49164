using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// A categorical distribution over one-hot vectors of length K (event shape [K]): log p(x) = Σₖ xₖ log pₖ for a
/// one-hot x; -∞ for any other vector.
/// </summary>
public sealed class OneHotCategorical : Distribution
{
    /// <summary>Creates the distribution from probabilities (last axis: categories).</summary>
    public OneHotCategorical(Tensor probs, bool renormalize = false)
        : this(new Categorical(probs, renormalize))
    {
    }

    private OneHotCategorical(Categorical categorical)
        : base(categorical.BatchShapeArray, [categorical.CategoryCount]) => Categorical = categorical;

    /// <summary>The same distribution over category indices.</summary>
    public Categorical Categorical { get; }

    /// <summary>The probabilities pₖ.</summary>
    public Tensor Probs => Categorical.Probs;

    /// <summary>Creates the distribution from unnormalised log-probabilities.</summary>
    public static OneHotCategorical FromLogits(Tensor logits) => new(Categorical.FromLogits(logits));

    /// <inheritdoc/>
    public override Support Support => new(true, 0.0, 1.0, "one-hot vectors");

    /// <summary>One-hot vectors (event rank 1, discrete).</summary>
    public override Constraint SupportConstraint => Constraint.OneHot;

    /// <summary>Counting measure on the one-hot vectors (multivariate: no tails).</summary>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Counting, isDensityBounded: true);

    /// <summary>E[x] = p.</summary>
    public override Tensor Mean => Probs;

    /// <summary>Var[xₖ] = pₖ(1 - pₖ).</summary>
    public override Tensor Variance => Probs * (1.0 - Probs);

    /// <inheritdoc/>
    public override Tensor Entropy() => Categorical.Entropy();

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);

        // A valid value has entries in {0, 1} summing to 1; its log-probability is the selected log pₖ.
        var isBinary = TensorOps.EqualTo(value, 0.0) + TensorOps.EqualTo(value, 1.0);
        var valid = TensorOps.EqualTo(isBinary.Sum(-1), Categorical.CategoryCount) * TensorOps.EqualTo(value.Sum(-1), 1.0);
        var picked = TensorOps.Where(TensorOps.EqualTo(value, 1.0), Categorical.Logits, 0.0).Sum(-1);
        return TensorOps.Where(valid, picked, double.NegativeInfinity);
    }

    /// <inheritdoc/>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var indices = Categorical.Sample(count, random);
        int k = Categorical.CategoryCount;
        var data = new double[indices.Length * k];
        var idx = indices.Values;
        for (int i = 0; i < idx.Length; i++)
        {
            data[(i * k) + (int)idx[i]] = 1;
        }

        return Tensor.FromArray(data, SampleShape(count));
    }
}
