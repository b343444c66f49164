using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// The integers lower, lower + 1, …, upper element-wise (bounds are tensors, broadcast; upper may be +∞). Discrete:
/// <see cref="Constraint.DefaultBijector"/> throws.
/// </summary>
public sealed class IntegerIntervalConstraint : Constraint
{
    /// <summary>Creates the constraint.</summary>
    /// <param name="lower">The least value (finite).</param>
    /// <param name="upper">The greatest value (≥ lower; may be +∞).</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is NaN, lower is infinite or upper &lt; lower.</exception>
    public IntegerIntervalConstraint(Tensor lower, Tensor upper)
    {
        Lower = ConstraintChecks.FiniteBound(lower, nameof(IntegerIntervalConstraint), nameof(lower));
        ArgumentNullException.ThrowIfNull(upper);
        var lo = TensorOps.Expand(lower, Shapes.Broadcast(lower.ShapeArray, upper.ShapeArray));
        var hi = TensorOps.Expand(upper, Shapes.Broadcast(lower.ShapeArray, upper.ShapeArray));
        for (int i = 0; i < hi.Length; i++)
        {
            if (!(hi[i] >= lo[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(upper), hi[i], $"{nameof(IntegerIntervalConstraint)} needs upper ≥ lower; got upper[{i}] = {Format(hi[i])} with lower = {Format(lo[i])}.");
            }
        }

        Upper = upper;
    }

    /// <summary>The least value.</summary>
    public Tensor Lower { get; }

    /// <summary>The greatest value (may be +∞).</summary>
    public Tensor Upper { get; }

    /// <inheritdoc/>
    public override bool IsDiscrete => true;

    /// <inheritdoc/>
    public override string Name =>
        ConstraintChecks.IsConstant(Lower, 0.0) && ConstraintChecks.IsConstant(Upper, double.PositiveInfinity) ? "non-negative integers"
        : ConstraintChecks.IsConstant(Lower, 0.0) && ConstraintChecks.IsConstant(Upper, 1.0) ? "{0, 1}"
        : $"integers from {Describe(Lower)} to {Describe(Upper)}";

    /// <summary>1 where the entry is a whole number with lower ≤ x ≤ upper (broadcast).</summary>
    public override Tensor Contains(Tensor value)
    {
        SplitShape(value, out _);
        using var scope = Tensor.NoGrad();
        var whole = ConstraintChecks.Map(value, static v => double.IsFinite(v) && Math.Floor(v) == v);
        return whole * TensorOps.GreaterOrEqual(value, Lower) * TensorOps.GreaterOrEqual(Upper, value);
    }

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) =>
        $"must be a whole number from {BoundAt(Lower, flatEventIndex, eventBatchShape)} to {BoundAt(Upper, flatEventIndex, eventBatchShape)}";
}
