using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The binomial distribution of successes in n trials: log P(k) = log C(n, k) + k log p + (n - k) log(1 - p), k = 0..n.
/// </summary>
public sealed class Binomial : Distribution
{
    /// <summary>Creates Binomial(totalCount, probs).</summary>
    /// <param name="totalCount">The number of trials n (a non-negative whole number).</param>
    /// <param name="probs">The success probability p, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Binomial(Tensor totalCount, Tensor probs)
        : base(ParameterChecks.BroadcastParameters(nameof(Binomial), totalCount, nameof(totalCount), probs, nameof(probs)), [])
    {
        TotalCount = FamilyHelpers.Count(totalCount, nameof(Binomial), nameof(totalCount)).Detach();
        Probs = FamilyHelpers.Probability(probs, nameof(Binomial), nameof(probs), allowZero: true, allowOne: true);
        Support = new Support(true, 0.0, TotalCount.BroadcastTo(BatchShapeArray), "{0, ..., totalCount}");
    }

    /// <summary>The number of trials n (not differentiable).</summary>
    public Tensor TotalCount { get; }

    /// <summary>The success probability p.</summary>
    public Tensor Probs { get; }

    /// <summary>{0, 1, ..., n}.</summary>
    public override Support Support { get; }

    /// <summary>Counting measure on {0, ..., n}, tightened to where the mass is ({0} when p = 0, {n} when p = 1).</summary>
    public override TailProfile? Tails => new(ReferenceMeasure.Counting, FamilyHelpers.TightBound(Probs, 1.0, TotalCount, 0.0), FamilyHelpers.TightBound(Probs, 0.0, 0.0, TotalCount), Tail.Bounded, Tail.Bounded, true);

    /// <summary>np.</summary>
    public override Tensor Mean => (TotalCount * Probs).BroadcastTo(BatchShapeArray);

    /// <summary>np(1 - p).</summary>
    public override Tensor Variance => (TotalCount * Probs * (1.0 - Probs)).BroadcastTo(BatchShapeArray);

    /// <summary>log C(n, k) + k log p + (n - k) log(1 - p) for whole 0 ≤ k ≤ n (0 log 0 = 0), else -∞.</summary>
    public override Tensor LogProb(Tensor value)
    {
        var inside = FamilyHelpers.WholeNumberMask(value, TotalCount);
        var k = TensorOps.Where(inside, value, 0.0);
        var logChoose = (TotalCount + 1.0).LogGamma() - (k + 1.0).LogGamma() - (TotalCount - k + 1.0).LogGamma();
        var logP = logChoose + FamilyHelpers.XLogY(k, Probs) + FamilyHelpers.XLogY(TotalCount - k, 1.0 - Probs);
        return TensorOps.Where(inside, logP, double.NegativeInfinity);
    }

    /// <summary>Entropy -Σₖ P(k) log P(k), an exact finite sum over k = 0..n (no closed form exists).</summary>
    public override Tensor Entropy() => FamilyHelpers.EntropyBySum(this, (int)TensorOps.Expand(TotalCount, BatchShapeArray).DefaultIfEmpty(0).Max());

    /// <summary>The sum of n Bernoulli(p) draws (no gradient; cost proportional to n).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var n = TensorOps.Expand(TotalCount, BatchShapeArray);
        var p = TensorOps.Expand(Probs, BatchShapeArray);
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            int j = i % n.Length;
            int successes = 0;
            for (int t = 0; t < (int)n[j]; t++)
            {
                successes += random.NextDouble() < p[j] ? 1 : 0;
            }

            data[i] = successes;
        }

        return new Tensor(data, shape);
    }
}
