using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// Symmetric positive-definite matrices (event rank 2): finite, symmetric within
/// <see cref="CholeskyOuterProductBijector.SymmetryTolerance"/> (relative), with a Cholesky factorisation. The default
/// bijector is Stan's covariance-matrix transform: the d(d+1)/2 unconstrained values fill a lower-triangular L with
/// an exp diagonal (<see cref="FillScaleTriLBijector"/> with <see cref="ExpBijector"/>, no shift), then Σ = L Lᵀ
/// (<see cref="CholeskyOuterProductBijector"/>).
/// </summary>
public sealed class PositiveDefiniteConstraint : Constraint
{
    /// <inheritdoc/>
    public override string Name => "symmetric positive-definite matrices";

    /// <inheritdoc/>
    public override int EventRank => 2;

    /// <summary>1 per matrix that is symmetric and positive definite.</summary>
    /// <exception cref="ArgumentException">The events are not square matrices.</exception>
    public override Tensor Contains(Tensor value)
    {
        int[] batch = SplitShape(value, out int[] eventShape);
        CorrelationCholeskyConstraint.RequireSquare(eventShape, nameof(value));
        return CorrelationCholeskyConstraint.MatrixFlags(value, batch, eventShape[0], static m => CholeskyOuterProductBijector.FirstNotPositiveDefinite(m, out _) < 0);
    }

    /// <summary>Chain(FillScaleTriL(Exp, 0), CholeskyOuterProduct): [..., d(d+1)/2] → [..., d, d].</summary>
    public override Bijector DefaultBijector() =>
        new ChainBijector(new FillScaleTriLBijector(new ExpBijector(), 0.0), new CholeskyOuterProductBijector());

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) =>
        "must be a finite, symmetric, positive-definite matrix";
}
