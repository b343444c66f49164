using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// Σ = L Lᵀ, mapping lower-triangular matrices with positive diagonal onto symmetric positive-definite matrices,
/// batched: [..., d, d] → [..., d, d]. The inverse is the Cholesky factorisation.
/// </summary>
/// <remarks>
/// The log-determinant is that of the map from the lower triangle of L (with the diagonal) to the lower triangle of
/// Σ, which determine L and Σ: log |det J| = d·log 2 + Σᵢ (d - i)·log L_ii for i = 0, …, d - 1 (zero-based), the
/// classical Jacobian of the Cholesky map 2^d Π_{i=1}^d L_ii^{d-i+1} (e.g. Muirhead 1982, Theorem 2.1.9; Stan reference
/// manual, "Covariance matrices"). Combined after <see cref="FillScaleTriLBijector"/> with an exp diagonal this is
/// Stan's covariance-matrix transform.
/// </remarks>
public sealed class CholeskyOuterProductBijector : Bijector
{
    /// <summary>The relative tolerance on |Σ_ij - Σ_ji| accepted by <see cref="Inverse"/>.</summary>
    public const double SymmetryTolerance = 1e-8;

    /// <inheritdoc/>
    public override string Name => "CholeskyOuterProduct";

    /// <summary>2: events are matrices.</summary>
    public override int InputEventRank => 2;

    /// <summary>2: events are matrices.</summary>
    public override int OutputEventRank => 2;

    /// <summary>Σ = L Lᵀ (only the lower triangle of the input is read).</summary>
    /// <exception cref="ArgumentException">The input is not a (batch of) square matrices.</exception>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireSquare(x.ShapeArray, nameof(x));
        var l = x.Tril();
        return l.MatMul(l.Transpose());
    }

    /// <summary>L = cholesky(Σ).</summary>
    /// <exception cref="ArgumentException">The input is not a (batch of) square matrices.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A matrix is not symmetric (within <see cref="SymmetryTolerance"/>) or not positive definite; the message names it.</exception>
    public override Tensor Inverse(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        RequireSquare(y.ShapeArray, nameof(y));
        int bad = FirstNotPositiveDefinite(y, out string why);
        if (bad >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(y), $"{nameof(CholeskyOuterProductBijector)}.Inverse needs symmetric positive-definite matrices; matrix {bad} of shape {BijectorChecks.FormatShape(y)} {why}.");
        }

        return y.Cholesky();
    }

    /// <summary>d·log 2 + Σᵢ (d - i)·log L_ii, shape [...].</summary>
    /// <exception cref="ArgumentException">The input is not a (batch of) square matrices.</exception>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int d = RequireSquare(x.ShapeArray, nameof(x));
        var powers = new double[d];
        for (int i = 0; i < d; i++)
        {
            powers[i] = d - i;
        }

        return (x.Diagonal().Log() * new Tensor(powers, [d])).Sum(x.Rank - 2) + (d * Math.Log(2));
    }

    /// <summary>
    /// The flat index of the first matrix of <paramref name="y"/> ([..., d, d]) that is not finite, symmetric within
    /// <see cref="SymmetryTolerance"/> (relative) and positive definite (a Cholesky pivot ≤ 0), or -1; <paramref name="why"/> says what fails.
    /// </summary>
    internal static int FirstNotPositiveDefinite(Tensor y, out string why)
    {
        int d = y.ShapeArray[^1];
        var v = y.Values;
        int count = d == 0 ? 0 : v.Length / (d * d);
        var l = new double[d * d];
        for (int m = 0; m < count; m++)
        {
            var a = v.Slice(m * d * d, d * d);
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    double u = a[(i * d) + j], w = a[(j * d) + i];
                    if (!double.IsFinite(u) || Math.Abs(u - w) > SymmetryTolerance * Math.Max(1.0, Math.Max(Math.Abs(u), Math.Abs(w))))
                    {
                        why = $"has entries [{i}, {j}] = {BijectorChecks.Format(u)} and [{j}, {i}] = {BijectorChecks.Format(w)} (must be finite and equal)";
                        return m;
                    }
                }
            }

            Array.Clear(l);
            for (int j = 0; j < d; j++)
            {
                double pivot = a[(j * d) + j];
                for (int k = 0; k < j; k++)
                {
                    pivot -= l[(j * d) + k] * l[(j * d) + k];
                }

                if (!(pivot > 0))
                {
                    why = $"is not positive definite (Cholesky pivot {j} is {BijectorChecks.Format(pivot)})";
                    return m;
                }

                l[(j * d) + j] = Math.Sqrt(pivot);
                for (int i = j + 1; i < d; i++)
                {
                    double s = a[(i * d) + j];
                    for (int k = 0; k < j; k++)
                    {
                        s -= l[(i * d) + k] * l[(j * d) + k];
                    }

                    l[(i * d) + j] = s / l[(j * d) + j];
                }
            }
        }

        why = string.Empty;
        return -1;
    }

    private static int RequireSquare(int[] shape, string paramName)
    {
        if (shape.Length < 2 || shape[^1] != shape[^2] || shape[^1] < 1)
        {
            throw new ArgumentException(
                $"{nameof(CholeskyOuterProductBijector)} needs square matrices [..., d, d] with d ≥ 1; got shape [{string.Join(", ", shape)}].",
                paramName);
        }

        return shape[^1];
    }
}
