using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>The continuous uniform distribution on [low, high]: log p(x) = -log(high - low) inside.</summary>
public sealed class Uniform : Distribution
{
    /// <summary>Creates Uniform(low, high).</summary>
    /// <param name="low">The lower bound (finite).</param>
    /// <param name="high">The upper bound (finite, greater than <paramref name="low"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is out of range; the message names it and its value.</exception>
    public Uniform(Tensor low, Tensor high)
        : base(ParameterChecks.BroadcastParameters(nameof(Uniform), low, nameof(low), high, nameof(high)), [])
    {
        Low = ParameterChecks.Finite(low, nameof(Uniform), nameof(low));
        High = ParameterChecks.Finite(high, nameof(Uniform), nameof(high));
        var lo = TensorOps.Expand(low, BatchShapeArray);
        var hi = TensorOps.Expand(high, BatchShapeArray);
        for (int i = 0; i < lo.Length; i++)
        {
            if (!(hi[i] > lo[i]))
            {
                throw ParameterChecks.Invalid(nameof(Uniform), nameof(high), $"must be greater than low ({lo[i]})", hi[i]);
            }
        }

        Support = new Support(false, Low.Detach().BroadcastTo(BatchShapeArray), High.Detach().BroadcastTo(BatchShapeArray), "interval [low, high]");
    }

    /// <summary>The lower bound.</summary>
    public Tensor Low { get; }

    /// <summary>The upper bound.</summary>
    public Tensor High { get; }

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>[low, high].</summary>
    public override Support Support { get; }

    /// <summary>Lebesgue on [low, high]; bounded on both sides.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Bounded);

    /// <summary>(low + high)/2.</summary>
    public override Tensor Mean => ((Low + High) * 0.5).BroadcastTo(BatchShapeArray);

    /// <summary>(high - low)²/12.</summary>
    public override Tensor Variance => ((High - Low).Square() * (1.0 / 12)).BroadcastTo(BatchShapeArray);

    /// <summary>-log(high - low) for low ≤ x ≤ high, else -∞.</summary>
    public override Tensor LogProb(Tensor value)
    {
        var inside = FamilyHelpers.Between(value, Low, High);
        var logDensity = -(High - Low).Log();

        // Multiplying by the (safe) value times 0 keeps the value's gradient defined (zero) and the broadcast shape.
        return FamilyHelpers.Masked(value, inside, 0.0, x => logDensity + (x * 0.0));
    }

    /// <summary>Differential entropy log(high - low).</summary>
    public override Tensor Entropy() => (High - Low).Log().BroadcastTo(BatchShapeArray);

    /// <summary>(x - low)/(high - low) clamped to [0, 1].</summary>
    public override Tensor Cdf(Tensor value)
    {
        var below = TensorOps.LessThan(value, Low);
        var above = TensorOps.GreaterThan(value, High);
        var ramp = (value - Low) / (High - Low);
        return TensorOps.Where(below, 0.0, TensorOps.Where(above, 1.0, ramp));
    }

    /// <summary>Reparameterised: low + (high - low)U.</summary>
    protected override Tensor SampleCore(int count, RandomStream random) =>
        Low + ((High - Low) * StandardNoise.Uniform(random, SampleShape(count)));
}
