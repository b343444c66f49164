using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// Finite, strictly increasing vectors (event rank 1), optionally with a positive first entry. The default bijector is
/// Stan's ordered (or positive-ordered) transform, <see cref="OrderedBijector"/>.
/// </summary>
public sealed class OrderedConstraint : Constraint
{
    /// <summary>Creates the constraint.</summary>
    /// <param name="positive">True for positive ordered vectors.</param>
    public OrderedConstraint(bool positive)
    {
        IsPositive = positive;
    }

    /// <summary>True when the entries must also be positive.</summary>
    public bool IsPositive { get; }

    /// <inheritdoc/>
    public override string Name => IsPositive ? "positive ordered vectors" : "ordered vectors";

    /// <inheritdoc/>
    public override int EventRank => 1;

    /// <summary>1 per vector that is finite and strictly increasing (with a positive first entry when positive).</summary>
    public override Tensor Contains(Tensor value)
    {
        int[] batch = SplitShape(value, out int[] eventShape);
        int k = eventShape[0];
        var flags = new double[Shapes.Size(batch)];
        for (int e = 0; e < flags.Length; e++)
        {
            flags[e] = k > 0 && OrderedBijector.FirstUnordered(new Tensor(value.Values.Slice(e * k, k).ToArray(), [k]), IsPositive) < 0 ? 1 : 0;
        }

        return new Tensor(flags, batch);
    }

    /// <summary>Stan's ordered transform (positive-ordered when <see cref="IsPositive"/>).</summary>
    public override Bijector DefaultBijector() => new OrderedBijector(IsPositive);

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) =>
        IsPositive ? "must be finite, positive and strictly increasing" : "must be finite and strictly increasing";
}
