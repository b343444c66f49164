using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>Vectors (event rank 1) with one entry 1 and every other entry 0. Discrete.</summary>
public sealed class OneHotConstraint : Constraint
{
    /// <inheritdoc/>
    public override string Name => "one-hot vectors";

    /// <inheritdoc/>
    public override int EventRank => 1;

    /// <inheritdoc/>
    public override bool IsDiscrete => true;

    /// <summary>1 per vector of 0/1 entries with exactly one 1.</summary>
    public override Tensor Contains(Tensor value)
    {
        SplitShape(value, out _);
        var binary = ConstraintChecks.Map(value, static v => v == 0 || v == 1);
        return ConstraintChecks.AllTrailing(binary, 1) * TensorOps.EqualTo(value.Detach().Sum(value.Rank - 1), 1.0);
    }

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) => "must have one entry 1 and the rest 0";
}
