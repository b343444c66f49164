using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>The Poisson distribution: log P(k) = k log λ - λ - log k!, k = 0, 1, 2, ...</summary>
public sealed class Poisson : Distribution
{
    /// <summary>Creates Poisson(rate).</summary>
    /// <param name="rate">The rate λ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is out of range; the message names it and its value.</exception>
    public Poisson(Tensor rate)
        : base(FamilyHelpers.ShapeOf(rate, nameof(rate)), [])
    {
        Rate = ParameterChecks.Positive(rate, nameof(Poisson), nameof(rate));
    }

    /// <summary>The rate λ.</summary>
    public Tensor Rate { get; }

    /// <summary>{0, 1, 2, ...}.</summary>
    public override Support Support { get; } = new(true, 0.0, double.PositiveInfinity, "non-negative integers");

    /// <summary>λ.</summary>
    public override Tensor Mean => Rate;

    /// <summary>λ.</summary>
    public override Tensor Variance => Rate;

    /// <summary>k log λ - λ - log Γ(k + 1) for whole k ≥ 0, else -∞.</summary>
    public override Tensor LogProb(Tensor value)
    {
        var inside = FamilyHelpers.WholeNumberMask(value, double.PositiveInfinity);
        var k = TensorOps.Where(inside, value, 0.0);
        return TensorOps.Where(inside, (k * Rate.Log()) - Rate - (k + 1.0).LogGamma(), double.NegativeInfinity);
    }

    /// <summary>
    /// Entropy -Σₖ P(k) log P(k) (no closed form exists), summed over k ≤ λ + 40√λ + 40, beyond which the
    /// Poisson tail mass is below e⁻⁴⁰⁰ (Chernoff bound), so the truncation is far below rounding.
    /// </summary>
    public override Tensor Entropy()
    {
        double max = Rate.Values.ToArray().Max();
        return FamilyHelpers.EntropyBySum(this, (int)Math.Ceiling(max + (40 * Math.Sqrt(max)) + 40));
    }

    /// <summary>
    /// No gradient. Exact draws in time independent of the rate (<see cref="RandomStream.NextPoisson"/>: Knuth's
    /// multiplication method below 10, Hörmann's PTRS transformed rejection above).
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var rate = Rate.Values.ToArray();
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.NextPoisson(rate[i % rate.Length]);
        }

        return new Tensor(data, shape);
    }
}
