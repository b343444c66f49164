using KlDivergence.Constraints;
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

    /// <summary>[low, high], with the bound tensors as given so that their gradients flow through the default bijector.</summary>
    public override Constraint SupportConstraint => Constraint.Interval(Low, High);

    /// <summary>Lebesgue on [low, high]; bounded on both sides.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Bounded);

    /// <summary>(low + high)/2, as low/2 + high/2 so that bounds near ±1.8e308 do not overflow.</summary>
    public override Tensor Mean => ((Low * 0.5) + (High * 0.5)).BroadcastTo(BatchShapeArray);

    /// <summary>(high - low)²/12.</summary>
    public override Tensor Variance => ((High - Low).Square() * (1.0 / 12)).BroadcastTo(BatchShapeArray);

    /// <summary>(high - low)/2 = high/2 - low/2: finite for every pair of finite bounds (the width itself overflows past 1.8e308).</summary>
    internal Tensor HalfWidth => (High * 0.5) - (Low * 0.5);

    /// <summary>
    /// log(high - low), batch-shaped: directly where the width is a finite double (full relative accuracy for
    /// widths near 1), else log(high/2 - low/2) + log 2, so Uniform(-1e308, 1e308) has log-width 709.9, not +∞.
    /// </summary>
    internal Tensor LogWidth()
    {
        var width = (High - Low).BroadcastTo(BatchShapeArray);
        var finite = FamilyHelpers.Finite(width);
        if (FamilyHelpers.AllSet(finite))
        {
            // Every width a finite double (the usual case): the direct logarithm, which the selects below would pick.
            return width.Log();
        }

        var overflows = 1.0 - finite;
        var direct = TensorOps.Where(overflows, 1.0, width).Log();
        var halved = TensorOps.Where(overflows, HalfWidth, 1.0).Log() + FamilyHelpers.Log2;
        return TensorOps.Where(overflows, halved, direct);
    }

    /// <summary>-log(high - low) for low ≤ x ≤ high, else -∞.</summary>
    public override Tensor LogProb(Tensor value)
    {
        var inside = FamilyHelpers.Between(value, Low, High);
        var logDensity = -LogWidth();

        // Multiplying by the (safe) value times 0 keeps the value's gradient defined (zero) and the broadcast shape.
        return FamilyHelpers.Masked(value, inside, 0.0, x => logDensity + (x * 0.0));
    }

    /// <summary>Differential entropy log(high - low) (finite for every pair of finite bounds, see <see cref="LogWidth"/>).</summary>
    public override Tensor Entropy() => LogWidth();

    /// <summary>(x - low)/(high - low) clamped to [0, 1], as (x/2 - low/2)/(high/2 - low/2) so that wide bounds do not overflow.</summary>
    public override Tensor Cdf(Tensor value)
    {
        var below = TensorOps.LessThan(value, Low);
        var above = TensorOps.GreaterThan(value, High);
        var ramp = ((value * 0.5) - (Low * 0.5)) / HalfWidth;
        return TensorOps.Where(below, 0.0, TensorOps.Where(above, 1.0, ramp));
    }

    /// <summary>
    /// Reparameterised: low + (high - low)U; where the width overflows a double, low(1 - U) + high·U instead (the same
    /// point, with no intermediate beyond the bounds), so Uniform(-1e308, 1e308) draws finite values.
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var u = StandardNoise.Uniform(random, SampleShape(count));
        var width = High - Low;
        var direct = LocationScale.Apply(u, Low, width);
        var overflows = 1.0 - FamilyHelpers.Finite(width.Detach().BroadcastTo(BatchShapeArray));
        if (overflows.Values.IndexOfAnyExcept(0.0) < 0)
        {
            return direct;
        }

        return TensorOps.Where(overflows, (Low * (1.0 - u)) + (High * u), direct);
    }
}
