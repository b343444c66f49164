using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// A bijector whose events take <see cref="ReinterpretedRank"/> more trailing dimensions than its inner bijector's:
/// the same map, with the log-determinant also summed over those dimensions (as PyTorch's
/// <c>IndependentTransform</c>). Used for the default bijector of a constraint reinterpreted as an event (an
/// <c>Independent</c> distribution over a constrained family).
/// </summary>
public sealed class IndependentBijector : Bijector
{
    /// <summary>Creates the bijector.</summary>
    /// <param name="inner">The bijector applied.</param>
    /// <param name="reinterpretedRank">The number of extra trailing dimensions in one event (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reinterpretedRank"/> is negative.</exception>
    public IndependentBijector(Bijector inner, int reinterpretedRank)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(reinterpretedRank);
        Inner = inner;
        ReinterpretedRank = reinterpretedRank;
    }

    /// <summary>The bijector applied.</summary>
    public Bijector Inner { get; }

    /// <summary>The number of extra trailing dimensions in one event.</summary>
    public int ReinterpretedRank { get; }

    /// <inheritdoc/>
    public override string Name => $"Independent({Inner.Name}, {ReinterpretedRank})";

    /// <inheritdoc/>
    public override int InputEventRank => Inner.InputEventRank + ReinterpretedRank;

    /// <inheritdoc/>
    public override int OutputEventRank => Inner.OutputEventRank + ReinterpretedRank;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Inner.Forward(x);

    /// <inheritdoc/>
    public override Tensor Inverse(Tensor y) => Inner.Inverse(y);

    /// <summary>The inner log-determinant summed over the <see cref="ReinterpretedRank"/> trailing dimensions.</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x) => SumTrailing(Inner.ForwardLogDetJacobian(x));

    /// <summary>The inner inverse log-determinant summed over the <see cref="ReinterpretedRank"/> trailing dimensions.</summary>
    public override Tensor InverseLogDetJacobian(Tensor y) => SumTrailing(Inner.InverseLogDetJacobian(y));

    /// <inheritdoc/>
    public override int[] ForwardShape(int[] unconstrainedShape) => Inner.ForwardShape(unconstrainedShape);

    /// <inheritdoc/>
    public override int[] InverseShape(int[] constrainedShape) => Inner.InverseShape(constrainedShape);

    private Tensor SumTrailing(Tensor t)
    {
        if (t.Rank < ReinterpretedRank)
        {
            throw new ArgumentException($"{Name} needs values with at least {ReinterpretedRank} batch dimensions to reinterpret; the log-determinant has shape {BijectorChecks.FormatShape(t)}.");
        }

        return ReinterpretedRank == 0 ? t : t.Sum([.. Enumerable.Range(t.Rank - ReinterpretedRank, ReinterpretedRank)]);
    }
}
