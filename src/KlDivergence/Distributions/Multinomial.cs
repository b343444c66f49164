using KlDivergence.Constraints;
using System.Globalization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The multinomial distribution of the category counts x (event shape [K]) in n independent draws from a categorical
/// distribution p: log P(x) = log n! - Σₖ log xₖ! + Σₖ xₖ log pₖ for whole xₖ ≥ 0 with Σₖ xₖ = n, else -∞.
/// </summary>
public sealed class Multinomial : Distribution
{
    /// <summary>Creates Multinomial(totalCount, probs).</summary>
    /// <param name="totalCount">The number of draws n (non-negative).</param>
    /// <param name="probs">The category probabilities (last axis: categories), each row summing to 1.</param>
    /// <param name="renormalize">When true, each row of <paramref name="probs"/> is divided by its sum (which must be positive).</param>
    /// <exception cref="ArgumentException">A parameter is out of range; the message names it and its value.</exception>
    public Multinomial(int totalCount, Tensor probs, bool renormalize = false)
        : this(totalCount, new Categorical(ProbabilityChecks.NormalizedProbs(probs, nameof(Multinomial), nameof(probs), renormalize)))
    {
    }

    private Multinomial(int totalCount, Categorical categorical)
        : base(categorical.BatchShapeArray, [categorical.CategoryCount])
    {
        if (totalCount < 0)
        {
            throw ParameterChecks.Invalid(nameof(Multinomial), nameof(totalCount), "must be a non-negative whole number", totalCount);
        }

        TotalCount = totalCount;
        Categorical = categorical;
    }

    /// <summary>The number of draws n.</summary>
    public int TotalCount { get; }

    /// <summary>The distribution of one draw.</summary>
    public Categorical Categorical { get; }

    /// <summary>The category probabilities pₖ.</summary>
    public Tensor Probs => Categorical.Probs;

    /// <summary>Each count in {0, ..., n} (and the counts sum to n).</summary>
    public override Support Support => new(true, 0.0, TotalCount, string.Create(CultureInfo.InvariantCulture, $"counts summing to {TotalCount}"));

    /// <summary>Count vectors summing to the total count (event rank 1, discrete).</summary>
    public override Constraint SupportConstraint => Constraint.Counts(TotalCount);

    /// <summary>Counting measure on the count vectors (multivariate: no tails); a mass function is at most 1.</summary>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Counting, isDensityBounded: true);

    /// <summary>Creates the distribution from unnormalised log-probabilities.</summary>
    public static Multinomial FromLogits(int totalCount, Tensor logits) => new(totalCount, Categorical.FromLogits(logits));

    /// <summary>E xₖ = n pₖ.</summary>
    public override Tensor Mean => Probs * (double)TotalCount;

    /// <summary>Var xₖ = n pₖ(1 - pₖ).</summary>
    public override Tensor Variance => Probs * (1.0 - Probs) * (double)TotalCount;

    /// <summary>log n! - Σₖ log Γ(xₖ + 1) + Σₖ xₖ log pₖ (0 log 0 = 0) for valid counts, else -∞.</summary>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int k = Categorical.CategoryCount;
        var whole = FamilyHelpers.WholeNumberMask(value, TotalCount);
        var valid = TensorOps.EqualTo(whole.Sum(-1), k) * TensorOps.EqualTo(TensorOps.Where(whole, value, 0.0).Sum(-1), TotalCount);
        var x = TensorOps.Where(whole, value, 0.0);
        var zero = TensorOps.EqualTo(x, 0.0);
        var logPowers = TensorOps.Where(zero, 0.0, x * TensorOps.Where(zero, 0.0, Categorical.Logits)).Sum(-1);
        var logP = GammaFunctions.LogGamma(TotalCount + 1.0) - (x + 1.0).LogGamma().Sum(-1) + logPowers;
        return TensorOps.Where(valid, logP, double.NegativeInfinity);
    }

    /// <summary>Not reparameterised: n draws of <see cref="Categorical"/>'s sampler per sample, tallied.</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int k = Categorical.CategoryCount;
        int batch = Shapes.Size(BatchShapeArray);
        var data = new double[count * batch * k];
        if (TotalCount > 0)
        {
            // Draws have shape [count·n, ...batch]: draw j belongs to sample j / n.
            var draws = Categorical.Sample(count * TotalCount, random).Values;
            for (int i = 0; i < draws.Length; i++)
            {
                int sample = i / (TotalCount * batch), b = i % batch;
                data[(((sample * batch) + b) * k) + (int)draws[i]] += 1;
            }
        }

        return new Tensor(data, SampleShape(count));
    }
}
