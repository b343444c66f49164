using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// The finite reals above a lower bound a (a tensor, broadcast), strictly (x &gt; a) or not (x ≥ a). The default
/// bijector is Stan's lower-bound transform y = a + eˣ (<see cref="LowerBoundBijector"/>), or plain
/// <see cref="ExpBijector"/> when a is the constant 0, as Stan does for positive parameters.
/// </summary>
public sealed class GreaterThanConstraint : Constraint
{
    /// <summary>Creates the constraint.</summary>
    /// <param name="lower">The lower bound (finite; its gradient is kept).</param>
    /// <param name="inclusive">True for x ≥ a, false for x &gt; a.</param>
    /// <exception cref="ArgumentOutOfRangeException">An entry of the bound is not finite.</exception>
    public GreaterThanConstraint(Tensor lower, bool inclusive)
    {
        Lower = ConstraintChecks.FiniteBound(lower, nameof(GreaterThanConstraint), nameof(lower));
        Inclusive = inclusive;
    }

    /// <summary>The lower bound a.</summary>
    public Tensor Lower { get; }

    /// <summary>True when the bound itself belongs to the set.</summary>
    public bool Inclusive { get; }

    /// <inheritdoc/>
    public override string Name => ConstraintChecks.IsConstant(Lower, 0.0)
        ? (Inclusive ? "non-negative reals" : "positive reals")
        : $"greater than {(Inclusive ? "or equal to " : string.Empty)}{Describe(Lower)}";

    /// <summary>1 where the entry is finite and above the bound (broadcast).</summary>
    public override Tensor Contains(Tensor value)
    {
        SplitShape(value, out _);
        using var scope = Tensor.NoGrad();
        var above = Inclusive ? TensorOps.GreaterOrEqual(value, Lower) : TensorOps.GreaterThan(value, Lower);
        return above * ConstraintChecks.Finite(value);
    }

    /// <summary>y = a + eˣ (<see cref="ExpBijector"/> when a is the constant 0).</summary>
    public override Bijector DefaultBijector() =>
        ConstraintChecks.IsConstant(Lower, 0.0) ? new ExpBijector() : new LowerBoundBijector(Lower);

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) =>
        $"must be finite and greater than {(Inclusive ? "or equal to " : string.Empty)}{BoundAt(Lower, flatEventIndex, eventBatchShape)}";
}
