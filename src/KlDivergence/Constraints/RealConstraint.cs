using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>Every finite real number, element-wise; the default bijector is the identity.</summary>
public sealed class RealConstraint : Constraint
{
    /// <inheritdoc/>
    public override string Name => "real line";

    /// <summary>1 where the entry is finite.</summary>
    public override Tensor Contains(Tensor value)
    {
        SplitShape(value, out _);
        return ConstraintChecks.Finite(value);
    }

    /// <summary>The identity.</summary>
    public override Bijector DefaultBijector() => new IdentityBijector();

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) => "must be a finite real number";
}
