using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The three ways a family takes a positive-definite scale matrix (as torch.distributions does: a lower-triangular
/// factor, a covariance, a precision), each validated and reduced to one lower-triangular factor L with a positive
/// diagonal. Every failure names the family, the parameter and the entry.
/// </summary>
internal static class ScaleMatrices
{
    private const double SymmetryTolerance = 1e-10;

    /// <summary>L itself, after checking it is finite, lower triangular and has a positive diagonal.</summary>
    public static Tensor FromScaleTril(Tensor scaleTril, string family, string name)
    {
        ParameterChecks.Finite(scaleTril, family, name);
        int d = scaleTril.ShapeArray[^1];
        var values = scaleTril.Values;
        for (int b = 0; b < scaleTril.Length / (d * d); b++)
        {
            for (int i = 0; i < d; i++)
            {
                double diag = values[(b * d * d) + (i * d) + i];
                if (!(diag > 0))
                {
                    throw ParameterChecks.Invalid(family, name, $"must have a positive diagonal, entry [{i}, {i}]", diag);
                }

                for (int j = i + 1; j < d; j++)
                {
                    double upper = values[(b * d * d) + (i * d) + j];
                    if (upper != 0)
                    {
                        throw new ArgumentException($"{family}: {name} must be lower triangular, entry [{i}, {j}] is {upper:G}.", name);
                    }
                }
            }
        }

        return scaleTril;
    }

    /// <summary>The Cholesky factor of a finite, symmetric, positive-definite covariance Σ = L Lᵀ.</summary>
    public static Tensor FromCovariance(Tensor covariance, string family, string name)
    {
        ParameterChecks.Finite(covariance, family, name);
        CheckSymmetric(covariance, family, name);
        return Factor(covariance, name);
    }

    /// <summary>
    /// The lower factor L of Σ = P⁻¹ for a finite, symmetric, positive-definite precision P. With J the reversal
    /// permutation and J P J = Lf Lfᵀ, P = U Uᵀ for the upper-triangular U = J Lf J, so Σ = U⁻ᵀ U⁻¹ and L = U⁻ᵀ is
    /// lower triangular: it is obtained by one triangular solve (Uᵀ) L = I, with no general inverse.
    /// </summary>
    public static Tensor FromPrecision(Tensor precision, string family, string name)
    {
        ParameterChecks.Finite(precision, family, name);
        CheckSymmetric(precision, family, name);
        int d = precision.ShapeArray[^1];
        int[] reversed = [.. Enumerable.Range(0, d).Reverse()];
        var flipped = precision.IndexSelect(-1, reversed).IndexSelect(-2, reversed);
        var lf = Factor(flipped, name);
        var ut = lf.Transpose().IndexSelect(-1, reversed).IndexSelect(-2, reversed);
        return LinearAlgebraOps.TriangularSolve(ut, Identity(d), lower: true).Tril();
    }

    /// <summary>The d × d identity matrix.</summary>
    public static Tensor Identity(int d)
    {
        var eye = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            eye[(i * d) + i] = 1;
        }

        return new Tensor(eye, [d, d]);
    }

    /// <summary>Throws unless <paramref name="value"/> has shape [..., d, d] (the value of a matrix-valued family).</summary>
    public static void RequireMatrixEvent(Tensor value, int d, string family)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Rank < 2 || value.ShapeArray[^1] != d || value.ShapeArray[^2] != d)
        {
            throw new ArgumentException($"{family}: a value of shape {Shapes.Format(value.ShapeArray)} does not end in the event shape [{d}, {d}].", nameof(value));
        }
    }

    /// <summary>
    /// The matrices of <paramref name="value"/> where <paramref name="valid"/> (shape [...]) is 1 and the identity
    /// elsewhere: a safe point at which a log-density is evaluated and then masked to -∞, so nothing turns NaN.
    /// </summary>
    public static Tensor ValidOrIdentity(Tensor valid, Tensor value, int d) =>
        TensorOps.Where(valid.Unsqueeze(-1).Unsqueeze(-1), value, Identity(d));

    /// <summary>Symmetric within a relative 1e-10 (of the larger entry or of √(aᵢᵢ aⱼⱼ)), else an error naming the entries.</summary>
    public static void CheckSymmetric(Tensor matrix, string family, string name)
    {
        int d = matrix.ShapeArray[^1];
        var v = matrix.Values;
        for (int b = 0; b < matrix.Length / (d * d); b++)
        {
            int o = b * d * d;
            for (int i = 0; i < d; i++)
            {
                for (int j = i + 1; j < d; j++)
                {
                    double aij = v[o + (i * d) + j], aji = v[o + (j * d) + i];
                    if (aij == aji)
                    {
                        // Exactly symmetric, the usual case: no scale (and no square root) to work out.
                        continue;
                    }

                    double scale = Math.Max(Math.Max(Math.Abs(aij), Math.Abs(aji)), Math.Sqrt(Math.Abs(v[o + (i * d) + i] * v[o + (j * d) + j])));
                    if (Math.Abs(aij - aji) > SymmetryTolerance * scale)
                    {
                        throw new ArgumentException(
                            $"{family}: {name} must be symmetric, entries [{i}, {j}] = {aij:G} and [{j}, {i}] = {aji:G} differ" +
                            (b > 0 ? $" (matrix {b} of the batch)." : "."), name);
                    }
                }
            }
        }
    }

    private static Tensor Factor(Tensor matrix, string name)
    {
        try
        {
            return matrix.Cholesky();
        }
        catch (NotPositiveDefiniteException e)
        {
            throw new NotPositiveDefiniteException(e.Pivot, e.PivotValue, e.BatchIndex, name);
        }
    }
}
