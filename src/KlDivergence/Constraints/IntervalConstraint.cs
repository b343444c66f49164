using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// The closed interval [a, b] element-wise (bounds are tensors, broadcast, with a &lt; b). The default bijector is
/// Stan's interval transform y = a + (b - a)·σ(x) (<see cref="IntervalBijector"/>), which keeps the graph to both
/// bounds, or plain <see cref="SigmoidBijector"/> for the constant unit interval; both map onto the open interior.
/// </summary>
public sealed class IntervalConstraint : Constraint
{
    /// <summary>Creates the constraint.</summary>
    /// <param name="lower">The lower bound a (finite; its gradient is kept).</param>
    /// <param name="upper">The upper bound b (finite, above a everywhere; its gradient is kept).</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not finite, or b ≤ a somewhere; the message names the value.</exception>
    public IntervalConstraint(Tensor lower, Tensor upper)
    {
        Lower = ConstraintChecks.FiniteBound(lower, nameof(IntervalConstraint), nameof(lower));
        Upper = ConstraintChecks.FiniteBound(upper, nameof(IntervalConstraint), nameof(upper));
        IntervalBijector.RequireOrdered(lower, upper, nameof(IntervalConstraint));
    }

    /// <summary>The lower bound a.</summary>
    public Tensor Lower { get; }

    /// <summary>The upper bound b.</summary>
    public Tensor Upper { get; }

    /// <inheritdoc/>
    public override string Name => IsUnitInterval ? "unit interval [0, 1]" : $"interval [{Describe(Lower)}, {Describe(Upper)}]";

    private bool IsUnitInterval => ConstraintChecks.IsConstant(Lower, 0.0) && ConstraintChecks.IsConstant(Upper, 1.0);

    /// <summary>1 where a ≤ x ≤ b (broadcast); NaN is outside.</summary>
    public override Tensor Contains(Tensor value)
    {
        SplitShape(value, out _);
        using var scope = Tensor.NoGrad();
        return TensorOps.GreaterOrEqual(value, Lower) * TensorOps.GreaterOrEqual(Upper, value);
    }

    /// <summary>y = a + (b - a)·σ(x) (<see cref="SigmoidBijector"/> for the constant unit interval).</summary>
    public override Bijector DefaultBijector() => IsUnitInterval ? new SigmoidBijector() : new IntervalBijector(Lower, Upper);

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) =>
        $"must lie in [{BoundAt(Lower, flatEventIndex, eventBatchShape)}, {BoundAt(Upper, flatEventIndex, eventBatchShape)}]";
}
