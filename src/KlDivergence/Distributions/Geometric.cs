using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The geometric distribution of the number of failures before the first success: P(k) = (1 - p)ᵏ p, k = 0, 1, 2, ...
/// </summary>
public sealed class Geometric : Distribution
{
    /// <summary>Creates Geometric(probs).</summary>
    /// <param name="probs">The success probability p, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A probability is out of range; the message names it and its value.</exception>
    public Geometric(Tensor probs)
        : base(FamilyHelpers.ShapeOf(probs, nameof(probs)), [])
    {
        Probs = FamilyHelpers.Probability(probs, nameof(Geometric), nameof(probs), allowZero: false, allowOne: true);
    }

    /// <summary>The success probability p.</summary>
    public Tensor Probs { get; }

    /// <summary>{0, 1, 2, ...}.</summary>
    public override Support Support { get; } = new(true, 0.0, double.PositiveInfinity, "non-negative integers");

    /// <summary>Counting measure on {0, 1, ...} ({0} when p = 1); log P(k) = k log(1 - p) + log p falls linearly.</summary>
    public override TailProfile? Tails => new(ReferenceMeasure.Counting, 0.0, FamilyHelpers.TightBound(Probs, 1.0, 0.0, double.PositiveInfinity), Tail.Bounded, Tail.Power(1), true);

    /// <summary>(1 - p)/p.</summary>
    public override Tensor Mean => (1.0 - Probs) / Probs;

    /// <summary>(1 - p)/p².</summary>
    public override Tensor Variance => (1.0 - Probs) / Probs.Square();

    /// <summary>k log(1 - p) + log p for whole k ≥ 0 (0 log 0 = 0 when p = 1), else -∞.</summary>
    public override Tensor LogProb(Tensor value)
    {
        // Every value a count (the usual case): the formula on the values, the bits the two selections would give.
        if (FamilyHelpers.AllCounts(value.Values))
        {
            return FamilyHelpers.XLogY(value, 1.0 - Probs) + Probs.Log();
        }

        var inside = FamilyHelpers.WholeNumberMask(value, double.PositiveInfinity);
        var k = TensorOps.Where(inside, value, 0.0);
        return TensorOps.Where(inside, FamilyHelpers.XLogY(k, 1.0 - Probs) + Probs.Log(), double.NegativeInfinity);
    }

    /// <summary>Entropy (-(1 - p) log(1 - p) - p log p)/p.</summary>
    public override Tensor Entropy() => -(FamilyHelpers.XLogX(1.0 - Probs) + FamilyHelpers.XLogX(Probs)) / Probs;

    /// <summary>⌊log U / log(1 - p)⌋ (no gradient).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var p = TensorOps.Expand(Probs, BatchShapeArray);
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            double pi = p[i % p.Length];
            data[i] = pi == 1 ? 0 : Math.Floor(Math.Log(random.NextOpenDouble()) / ScalarMath.Log1p(-pi));
        }

        return new Tensor(data, shape);
    }
}
