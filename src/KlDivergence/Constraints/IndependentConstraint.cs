using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// A constraint with <see cref="ReinterpretedRank"/> batch dimensions of its base reinterpreted as event dimensions:
/// an event is in the set when every part is in the base set. The default bijector is the base's, with its
/// log-determinant also summed over those dimensions (<see cref="IndependentBijector"/>).
/// </summary>
public sealed class IndependentConstraint : Constraint
{
    /// <summary>Creates the constraint.</summary>
    /// <param name="baseConstraint">The constraint on each part.</param>
    /// <param name="reinterpretedRank">The number of extra trailing event dimensions (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reinterpretedRank"/> is negative.</exception>
    public IndependentConstraint(Constraint baseConstraint, int reinterpretedRank)
    {
        ArgumentNullException.ThrowIfNull(baseConstraint);
        ArgumentOutOfRangeException.ThrowIfNegative(reinterpretedRank);
        BaseConstraint = baseConstraint;
        ReinterpretedRank = reinterpretedRank;
    }

    /// <summary>The constraint on each part.</summary>
    public Constraint BaseConstraint { get; }

    /// <summary>The number of batch dimensions of the base reinterpreted as event dimensions.</summary>
    public int ReinterpretedRank { get; }

    /// <inheritdoc/>
    public override string Name => BaseConstraint.Name;

    /// <inheritdoc/>
    public override int EventRank => BaseConstraint.EventRank + ReinterpretedRank;

    /// <inheritdoc/>
    public override bool IsDiscrete => BaseConstraint.IsDiscrete;

    /// <summary>1 per event whose every part is in the base set.</summary>
    public override Tensor Contains(Tensor value)
    {
        SplitShape(value, out _);
        return ConstraintChecks.AllTrailing(BaseConstraint.Contains(value), ReinterpretedRank);
    }

    /// <summary>The base's default bijector, its log-determinant summed over the reinterpreted dimensions.</summary>
    /// <exception cref="InvalidOperationException">The base set is discrete.</exception>
    public override Bijector DefaultBijector() => new IndependentBijector(BaseConstraint.DefaultBijector(), ReinterpretedRank);

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) => $"must have every entry in the set '{BaseConstraint.Name}'";
}
