using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>The Bernoulli distribution on {0, 1}: P(1) = p, P(0) = 1 - p.</summary>
public sealed class Bernoulli : Distribution
{
    /// <summary>Creates Bernoulli(probs).</summary>
    /// <param name="probs">The probability p of 1, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A probability is out of range; the message names it and its value.</exception>
    public Bernoulli(Tensor probs)
        : base(FamilyHelpers.ShapeOf(probs, nameof(probs)), [])
    {
        Probs = FamilyHelpers.Probability(probs, nameof(Bernoulli), nameof(probs), allowZero: true, allowOne: true);
    }

    /// <summary>The probability p of 1.</summary>
    public Tensor Probs { get; }

    /// <summary>{0, 1}.</summary>
    public override Support Support { get; } = new(true, 0.0, 1.0, "{0, 1}");

    /// <summary>Counting measure on {0, 1}, tightened to where the mass is ({0} when p = 0, {1} when p = 1).</summary>
    public override TailProfile? Tails => new(ReferenceMeasure.Counting, FamilyHelpers.TightBound(Probs, 1.0, 1.0, 0.0), FamilyHelpers.TightBound(Probs, 0.0, 0.0, 1.0), Tail.Bounded, Tail.Bounded, true);

    /// <summary>p.</summary>
    public override Tensor Mean => Probs;

    /// <summary>p(1 - p).</summary>
    public override Tensor Variance => Probs * (1.0 - Probs);

    /// <summary>log p at 1, log(1 - p) at 0, -∞ elsewhere.</summary>
    public override Tensor LogProb(Tensor value)
    {
        var inside = FamilyHelpers.WholeNumberMask(value, 1.0);
        var one = TensorOps.EqualTo(value, 1.0);
        return TensorOps.Where(inside, TensorOps.Where(one, FamilyHelpers.SafeLog(Probs), FamilyHelpers.SafeLog(1.0 - Probs)), double.NegativeInfinity);
    }

    /// <summary>Entropy -p log p - (1 - p) log(1 - p), with 0 log 0 = 0.</summary>
    public override Tensor Entropy() => -(FamilyHelpers.XLogX(Probs) + FamilyHelpers.XLogX(1.0 - Probs));

    /// <summary>0 below 0, 1 - p on [0, 1), 1 from 1.</summary>
    public override Tensor Cdf(Tensor value) =>
        TensorOps.Where(TensorOps.LessThan(value, 0.0), 0.0, TensorOps.Where(TensorOps.LessThan(value, 1.0), 1.0 - Probs, 1.0));

    /// <summary>1 if U &lt; p, else 0 (no gradient).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var p = TensorOps.Expand(Probs, BatchShapeArray);
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.NextDouble() < p[i % p.Length] ? 1 : 0;
        }

        return new Tensor(data, shape);
    }
}
