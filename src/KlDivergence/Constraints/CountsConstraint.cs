using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// Count vectors (event rank 1) of non-negative whole numbers summing to a total (a tensor broadcast over the batch),
/// the support of a multinomial. Discrete.
/// </summary>
public sealed class CountsConstraint : Constraint
{
    /// <summary>Creates the constraint.</summary>
    /// <param name="totalCount">The total every vector must sum to (non-negative whole numbers).</param>
    /// <exception cref="ArgumentOutOfRangeException">An entry of the total is not a non-negative whole number.</exception>
    public CountsConstraint(Tensor totalCount)
    {
        ConstraintChecks.FiniteBound(totalCount, nameof(CountsConstraint), nameof(totalCount));
        var v = totalCount.Values;
        for (int i = 0; i < v.Length; i++)
        {
            if (!(v[i] >= 0) || Math.Floor(v[i]) != v[i])
            {
                throw new ArgumentOutOfRangeException(nameof(totalCount), v[i], $"{nameof(CountsConstraint)} needs whole totalCount ≥ 0; got totalCount[{i}] = {Format(v[i])}.");
            }
        }

        TotalCount = totalCount;
    }

    /// <summary>The total per vector.</summary>
    public Tensor TotalCount { get; }

    /// <inheritdoc/>
    public override string Name => $"counts summing to {Describe(TotalCount)}";

    /// <inheritdoc/>
    public override int EventRank => 1;

    /// <inheritdoc/>
    public override bool IsDiscrete => true;

    /// <summary>1 per vector of non-negative whole numbers whose sum equals the total.</summary>
    public override Tensor Contains(Tensor value)
    {
        SplitShape(value, out _);
        using var scope = Tensor.NoGrad();
        var whole = ConstraintChecks.Map(value, static v => v >= 0 && double.IsFinite(v) && Math.Floor(v) == v);
        return ConstraintChecks.AllTrailing(whole, 1) * TensorOps.EqualTo(value.Sum(value.Rank - 1), TotalCount);
    }

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) =>
        $"must be non-negative whole numbers summing to {BoundAt(TotalCount, flatEventIndex, eventBatchShape)}";
}
