using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// The probability simplex: vectors (event rank 1) with finite non-negative entries summing to 1 within
/// <see cref="StickBreakingBijector.SumTolerance"/>. The default bijector is Stan's stick-breaking transform
/// (<see cref="StickBreakingBijector"/>, K - 1 unconstrained values → K entries), onto the open simplex.
/// </summary>
public sealed class SimplexConstraint : Constraint
{
    /// <inheritdoc/>
    public override string Name => "simplex";

    /// <inheritdoc/>
    public override int EventRank => 1;

    /// <summary>1 per vector whose entries are finite, non-negative and sum to 1 (within the tolerance).</summary>
    public override Tensor Contains(Tensor value)
    {
        int[] batch = SplitShape(value, out _);
        return new Tensor(StickBreakingBijector.SimplexFlags(value, strictlyPositive: false, out _), batch);
    }

    /// <summary>Stan's stick-breaking transform, [..., K-1] → [..., K].</summary>
    public override Bijector DefaultBijector() => new StickBreakingBijector();

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) =>
        $"must have finite non-negative entries summing to 1 (within {Format(StickBreakingBijector.SumTolerance)})";
}
