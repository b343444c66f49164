using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// Maps x ∈ ℝ^{d(d-1)/2} onto Cholesky factors of d×d correlation matrices (lower triangular, positive diagonal,
/// rows of unit length), batched: [..., d(d-1)/2] → [..., d, d]. This is Stan's transform (Stan reference manual,
/// "Cholesky factors of correlation matrices"), after Lewandowski, Kurowicka and Joe (2009): the canonical partial
/// correlations z = tanh(x) are placed row by row in the strict lower triangle and
/// <code>
/// L[0,0] = 1,   L[i,j] = z_ij · √(1 - Σ_{k&lt;j} L[i,k]²)  (j &lt; i),   L[i,i] = √(1 - Σ_{k&lt;i} L[i,k]²).
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// Packing: x = [x_10, x_20, x_21, x_30, …], row by row over the strict lower triangle (index i(i-1)/2 + j), the order
/// of <see cref="FillScaleTriLBijector"/>'s off-diagonal entries. Since 1 - Σ_{k&lt;j} L[i,k]² = Π_{k&lt;j}(1 - z_ik²),
/// the factors are formed in log space from log(1 - tanh² x) = 2(log 2 - x - softplus(-2x)), which stays finite
/// (and the diagonal positive) where tanh(x) rounds to ±1.
/// </para>
/// <para>
/// The log-determinant is that of the map from x to the strict lower triangle of L, which determines L. That map is
/// triangular (L_ij depends on z_ik, k ≤ j, of the same row) with diagonal (1 - z_ij²)·√(Π_{k&lt;j}(1 - z_ik²)), so
/// log |det J| = Σ_{i&gt;j} [log(1 - z_ij²) + ½ Σ_{k&lt;j} log(1 - z_ik²)], one value per batch entry.
/// </para>
/// </remarks>
public sealed class CorrelationCholeskyBijector : Bijector
{
    /// <summary>The tolerance on |Σ_j L[i,j]² - 1| and on the strict upper triangle accepted by <see cref="Inverse"/>.</summary>
    public const double Tolerance = 1e-6;

    /// <inheritdoc/>
    public override string Name => "CorrelationCholesky";

    /// <summary>1: one input event is a vector of d(d-1)/2 values.</summary>
    public override int InputEventRank => 1;

    /// <summary>2: one output event is a d×d matrix.</summary>
    public override int OutputEventRank => 2;

    /// <summary>The side d ≥ 2 with d(d - 1)/2 = <paramref name="length"/>.</summary>
    /// <param name="length">The vector length n ≥ 1.</param>
    /// <exception cref="ArgumentException"><paramref name="length"/> is not d(d - 1)/2 for some d ≥ 2; the message names it.</exception>
    public static int SideFromLength(int length)
    {
        // d(d - 1)/2 is the triangular number of d - 1.
        int side = BijectorChecks.TriangularSide(length);
        return side >= 1 ? side + 1 : throw new ArgumentException(
            $"{nameof(CorrelationCholeskyBijector)} needs a vector length n = d(d - 1)/2 for some d ≥ 2 (1, 3, 6, 10, ...); got length {length}.",
            nameof(length));
    }

    /// <summary>[..., d(d-1)/2] → [..., d, d].</summary>
    /// <exception cref="ArgumentException">The shape is a scalar or its last length is not d(d - 1)/2 with d ≥ 2.</exception>
    public override int[] ForwardShape(int[] unconstrainedShape)
    {
        ArgumentNullException.ThrowIfNull(unconstrainedShape);
        if (unconstrainedShape.Length < 1)
        {
            throw new ArgumentException($"{nameof(CorrelationCholeskyBijector)} needs a vector (rank ≥ 1); got a scalar shape.", nameof(unconstrainedShape));
        }

        int d = SideFromLength(unconstrainedShape[^1]);
        return [.. unconstrainedShape[..^1], d, d];
    }

    /// <summary>[..., d, d] → [..., d(d-1)/2].</summary>
    /// <exception cref="ArgumentException">The shape is not a (batch of) square matrices with d ≥ 2.</exception>
    public override int[] InverseShape(int[] constrainedShape)
    {
        ArgumentNullException.ThrowIfNull(constrainedShape);
        int d = RequireSquare(constrainedShape, nameof(constrainedShape));
        return [.. constrainedShape[..^2], d * (d - 1) / 2];
    }

    /// <summary>The Cholesky factor L (see the class summary).</summary>
    public override Tensor Forward(Tensor x)
    {
        var (z, logOneMinusZ2, logW) = Pieces(x);
        var w = logW.Exp();
        return (z * w) + w.Diagonal().DiagEmbed();
    }

    /// <summary>z_ij = L[i,j] / √(1 - Σ_{k&lt;j} L[i,k]²), x = atanh z, packed row by row.</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> is not a (batch of) square matrices with d ≥ 2.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A matrix is not a correlation Cholesky factor (within <see cref="Tolerance"/>); the message names it.</exception>
    public override Tensor Inverse(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        int d = RequireSquare(y.ShapeArray, nameof(y));
        int bad = FirstInvalid(y, out string why);
        if (bad >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(y), $"{nameof(CorrelationCholeskyBijector)}.Inverse needs Cholesky factors of correlation matrices; matrix {bad} of shape {BijectorChecks.FormatShape(y)} {why}.");
        }

        var strict = y.Tril(-1);
        var mask = StrictLowerMask(d);

        // 1 - Σ_{k<j} L[i,k]² on the strict lower triangle (set to 1 elsewhere so no unused entry can turn NaN).
        var remaining = TensorOps.Where(mask, 1.0 - CumulativeSums.AlongLastAxis(strict.Square(), exclusive: true, reverse: false), 1.0);
        var z = strict / remaining.Sqrt();
        int[] flatShape = [.. y.ShapeArray[..^2], d * d];
        var packed = z.Reshape(flatShape).IndexSelect(flatShape.Length - 1, PackedPositions(d));
        BijectorChecks.RequireAllInside(packed, -1, 1, nameof(CorrelationCholeskyBijector), "partial correlations in (-1, 1) (rows of unit length, within tolerance)");
        return (packed.Log1p() - (-packed).Log1p()) * 0.5;
    }

    /// <summary>Σ_{i&gt;j} [log(1 - z_ij²) + ½ Σ_{k&lt;j} log(1 - z_ik²)], shape [...].</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        var (_, logOneMinusZ2, logW) = Pieces(x);
        int r = logW.Rank;
        return (logOneMinusZ2 + logW.Tril(-1)).Sum([r - 2, r - 1]);
    }

    /// <summary>
    /// The flat index of the first matrix of <paramref name="y"/> ([..., d, d]) that is not a correlation Cholesky factor
    /// (non-finite entry, strict upper entry beyond <see cref="Tolerance"/>, non-positive diagonal, row norm² off 1 by more
    /// than <see cref="Tolerance"/>), or -1; <paramref name="why"/> says what fails.
    /// </summary>
    internal static int FirstInvalid(Tensor y, out string why)
    {
        int d = y.ShapeArray[^1];
        var v = y.Values;
        int count = d == 0 ? 0 : v.Length / (d * d);
        for (int m = 0; m < count; m++)
        {
            int o = m * d * d;
            for (int i = 0; i < d; i++)
            {
                double norm2 = 0;
                for (int j = 0; j < d; j++)
                {
                    double u = v[o + (i * d) + j];
                    if (!double.IsFinite(u) || (j > i && Math.Abs(u) > Tolerance))
                    {
                        why = $"has entry [{i}, {j}] = {BijectorChecks.Format(u)} (must be finite, and 0 above the diagonal)";
                        return m;
                    }

                    norm2 += j <= i ? u * u : 0;
                }

                if (!(v[o + (i * d) + i] > 0) || Math.Abs(norm2 - 1) > Tolerance)
                {
                    why = $"has row {i} with diagonal {BijectorChecks.Format(v[o + (i * d) + i])} and squared norm {BijectorChecks.Format(norm2)} (must be positive and 1)";
                    return m;
                }
            }
        }

        why = string.Empty;
        return -1;
    }

    /// <summary>z on the strict lower triangle, log(1 - z²) there (0 elsewhere) and log w_ij = ½ Σ_{k&lt;j} log(1 - z_ik²).</summary>
    private (Tensor Z, Tensor LogOneMinusZ2, Tensor LogW) Pieces(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int[] outShape = ForwardShape(x.ShapeArray);
        int d = outShape[^1];
        int axis = x.Rank - 1;
        var fill = new int[d * d];
        for (int i = 1; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                fill[(i * d) + j] = (i * (i - 1) / 2) + j;
            }
        }

        Tensor ToMatrix(Tensor packed) => packed.IndexSelect(axis, fill).Reshape(outShape).Tril(-1);
        var z = ToMatrix(x.Tanh());
        var logOneMinusZ2 = ToMatrix((Math.Log(2) - x - (x * -2.0).Softplus()) * 2.0);
        var logW = CumulativeSums.AlongLastAxis(logOneMinusZ2, exclusive: true, reverse: false) * 0.5;
        return (z, logOneMinusZ2, logW);
    }

    /// <summary>The flat positions i·d + j of the strict lower triangle, row by row.</summary>
    private static int[] PackedPositions(int d)
    {
        var p = new int[d * (d - 1) / 2];
        int k = 0;
        for (int i = 1; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                p[k++] = (i * d) + j;
            }
        }

        return p;
    }

    private static Tensor StrictLowerMask(int d) => Tensor.Ones(d, d).Tril(-1);

    private static int RequireSquare(int[] shape, string paramName) =>
        BijectorChecks.RequireSquare(shape, 2, nameof(CorrelationCholeskyBijector), paramName);
}
