using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// The finite reals below an upper bound b (a tensor, broadcast), strictly (x &lt; b) or not (x ≤ b). The default
/// bijector is Stan's upper-bound transform y = b - eˣ (<see cref="UpperBoundBijector"/>).
/// </summary>
public sealed class LessThanConstraint : Constraint
{
    /// <summary>Creates the constraint.</summary>
    /// <param name="upper">The upper bound (finite; its gradient is kept).</param>
    /// <param name="inclusive">True for x ≤ b, false for x &lt; b.</param>
    /// <exception cref="ArgumentOutOfRangeException">An entry of the bound is not finite.</exception>
    public LessThanConstraint(Tensor upper, bool inclusive)
    {
        Upper = ConstraintChecks.FiniteBound(upper, nameof(LessThanConstraint), nameof(upper));
        Inclusive = inclusive;
    }

    /// <summary>The upper bound b.</summary>
    public Tensor Upper { get; }

    /// <summary>True when the bound itself belongs to the set.</summary>
    public bool Inclusive { get; }

    /// <inheritdoc/>
    public override string Name => $"less than {(Inclusive ? "or equal to " : string.Empty)}{Describe(Upper)}";

    /// <summary>1 where the entry is finite and below the bound (broadcast).</summary>
    public override Tensor Contains(Tensor value)
    {
        SplitShape(value, out _);
        using var scope = Tensor.NoGrad();
        var below = Inclusive ? TensorOps.GreaterOrEqual(Upper, value) : TensorOps.LessThan(value, Upper);
        return below * ConstraintChecks.Finite(value);
    }

    /// <summary>y = b - eˣ.</summary>
    public override Bijector DefaultBijector() => new UpperBoundBijector(Upper);

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) =>
        $"must be finite and less than {(Inclusive ? "or equal to " : string.Empty)}{BoundAt(Upper, flatEventIndex, eventBatchShape)}";
}
