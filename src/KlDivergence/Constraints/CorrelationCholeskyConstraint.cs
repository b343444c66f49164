using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Constraints;

/// <summary>
/// Cholesky factors of correlation matrices (event rank 2): lower-triangular d×d matrices (d ≥ 2) with positive
/// diagonal and rows of unit Euclidean length, within <see cref="CorrelationCholeskyBijector.Tolerance"/>. The default
/// bijector is Stan's / Lewandowski–Kurowicka–Joe transform (<see cref="CorrelationCholeskyBijector"/>,
/// d(d-1)/2 unconstrained values → d×d).
/// </summary>
public sealed class CorrelationCholeskyConstraint : Constraint
{
    /// <inheritdoc/>
    public override string Name => "Cholesky factors of correlation matrices";

    /// <inheritdoc/>
    public override int EventRank => 2;

    /// <summary>1 per matrix that is a correlation Cholesky factor (within the tolerance).</summary>
    /// <exception cref="ArgumentException">The events are not square matrices.</exception>
    public override Tensor Contains(Tensor value)
    {
        int[] batch = SplitShape(value, out int[] eventShape);
        RequireSquare(eventShape, nameof(value));
        return MatrixFlags(value, batch, eventShape[0], static m => CorrelationCholeskyBijector.FirstInvalid(m, out _) < 0);
    }

    /// <summary>Stan's correlation-Cholesky transform, [..., d(d-1)/2] → [..., d, d].</summary>
    public override Bijector DefaultBijector() => new CorrelationCholeskyBijector();

    /// <inheritdoc/>
    protected override string RequirementAt(int flatEventIndex, int[] eventBatchShape) =>
        $"must be lower triangular with positive diagonal and rows of unit length (within {Format(CorrelationCholeskyBijector.Tolerance)})";

    /// <summary>Applies a per-matrix test to each d×d event.</summary>
    internal static Tensor MatrixFlags(Tensor value, int[] batch, int d, Func<Tensor, bool> test)
    {
        var flags = new double[Shapes.Size(batch)];
        for (int e = 0; e < flags.Length; e++)
        {
            flags[e] = test(new Tensor(value.Values.Slice(e * d * d, d * d).ToArray(), [d, d])) ? 1 : 0;
        }

        return new Tensor(flags, batch);
    }

    /// <summary>Throws unless the event shape is square.</summary>
    internal static void RequireSquare(int[] eventShape, string paramName)
    {
        if (eventShape[0] != eventShape[1] || eventShape[0] < 1)
        {
            throw new ArgumentException($"Matrix constraints need square events [..., d, d]; got event shape {Shapes.Format(eventShape)}.", paramName);
        }
    }
}
