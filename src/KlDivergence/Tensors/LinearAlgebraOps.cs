using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace KlDivergence.Tensors;

/// <summary>
/// Differentiable, batched linear algebra on the last two dimensions: matrix product, diagonals,
/// triangular parts, Cholesky factorisation, triangular solves and the log-determinant from a factor.
/// Leading (batch) dimensions broadcast.
/// </summary>
public static class LinearAlgebraOps
{
    /// <summary>The matrix product a @ b of [..., m, k] and [..., k, n], with broadcast batch dimensions.</summary>
    public static Tensor MatMul(this Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank < 2 || b.Rank < 2)
        {
            throw new ArgumentException($"MatMul needs rank 2 or more on both sides, got {Shapes.Format(a.ShapeArray)} and {Shapes.Format(b.ShapeArray)}.");
        }

        int m = a.ShapeArray[^2], k = a.ShapeArray[^1], k2 = b.ShapeArray[^2], n = b.ShapeArray[^1];
        if (k != k2)
        {
            throw new ArgumentException($"MatMul inner dimensions differ: {Shapes.Format(a.ShapeArray)} @ {Shapes.Format(b.ShapeArray)}.");
        }

        var (batch, ad, bd) = BroadcastBatch(a, b, out int[] batchShape);
        var y = new double[batch * m * n];
        for (int i = 0; i < batch; i++)
        {
            MatMulKernel(ad.AsSpan(i * m * k, m * k), bd.AsSpan(i * k * n, k * n), y.AsSpan(i * m * n, m * n), m, k, n);
        }

        var result = new Tensor(y, [.. batchShape, m, n]);
        if (!Tensor.Tracks(a) && !Tensor.Tracks(b))
        {
            return result;
        }

        return Tensor.Record(result, [a, b], g =>
        {
            var aFull = new Tensor(ad, [.. batchShape, m, k]);
            var bFull = new Tensor(bd, [.. batchShape, k, n]);

            // d(AB) = dA B + A dB, so gA = g Bᵀ and gB = Aᵀ g, summed over broadcast batch dimensions.
            Tensor? ga = a.RequiresGrad ? TensorOps.SumTo(g.MatMul(bFull.Transpose()), a.ShapeArray) : null;
            Tensor? gb = b.RequiresGrad ? TensorOps.SumTo(aFull.Transpose().MatMul(g), b.ShapeArray) : null;
            return [ga, gb];
        });
    }

    /// <summary>The diagonal of each matrix: [..., n, n] to [..., n].</summary>
    public static Tensor Diagonal(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = RequireSquare(x, nameof(x));
        int batch = x.Length / Math.Max(n * n, 1);
        var y = new double[batch * n];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < n; i++)
            {
                y[(b * n) + i] = x.Data[(b * n * n) + (i * n) + i];
            }
        }

        var result = new Tensor(y, x.ShapeArray[..^1]);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g => [g.DiagEmbed()]);
    }

    /// <summary>Square matrices with the given diagonals: [..., n] to [..., n, n].</summary>
    public static Tensor DiagEmbed(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 1)
        {
            throw new ArgumentException("DiagEmbed needs rank 1 or more, got a scalar.", nameof(x));
        }

        int n = x.ShapeArray[^1];
        int batch = x.Length / Math.Max(n, 1);
        var y = new double[batch * n * n];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < n; i++)
            {
                y[(b * n * n) + (i * n) + i] = x.Data[(b * n) + i];
            }
        }

        var result = new Tensor(y, [.. x.ShapeArray, n]);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g => [g.Diagonal()]);
    }

    /// <summary>The lower-triangular part (entries with column ≤ row + <paramref name="diagonal"/>); the rest zero.</summary>
    public static Tensor Tril(this Tensor x, int diagonal = 0) => Mask(x, diagonal, lower: true);

    /// <summary>The upper-triangular part (entries with column ≥ row + <paramref name="diagonal"/>); the rest zero.</summary>
    public static Tensor Triu(this Tensor x, int diagonal = 0) => Mask(x, diagonal, lower: false);

    /// <summary>
    /// The lower-triangular Cholesky factor L with L Lᵀ = A, for each symmetric positive-definite matrix in
    /// [..., n, n] (only the lower triangle of A is read). The gradient follows Murray (2016),
    /// "Differentiation of the Cholesky decomposition": Ā = ½(S + Sᵀ), S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹, where Φ keeps
    /// the lower triangle and halves the diagonal.
    /// </summary>
    /// <exception cref="NotPositiveDefiniteException">A matrix is not positive definite; names the pivot.</exception>
    public static Tensor Cholesky(this Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        int n = RequireSquare(a, nameof(a));
        int batch = a.Length / Math.Max(n * n, 1);
        var l = new double[a.Length];
        for (int b = 0; b < batch; b++)
        {
            CholeskyKernel(a.Data.AsSpan(b * n * n, n * n), l.AsSpan(b * n * n, n * n), n, b);
        }

        var result = new Tensor(l, a.ShapeArray);
        if (!Tensor.Tracks(a))
        {
            return result;
        }

        return Tensor.Record(result, [a], g =>
        {
            var lt = new Tensor(l, a.ShapeArray);
            var phi = lt.Transpose().MatMul(g).Tril() - (lt.Transpose().MatMul(g).Diagonal() * 0.5).DiagEmbed();
            var x = TriangularSolve(lt, phi, lower: true, transpose: true);
            var s = TriangularSolve(lt, x.Transpose(), lower: true, transpose: true).Transpose();
            return [(s + s.Transpose()) * 0.5];
        });
    }

    /// <summary>
    /// Solves op(A) X = B for X, with A triangular ([..., n, n]; lower unless <paramref name="lower"/> is false,
    /// the other triangle ignored), op(A) = Aᵀ when <paramref name="transpose"/>, and B of shape [..., n, m].
    /// Gradients: B̄ = op(A)⁻ᵀ X̄ and Ā = -B̄ Xᵀ (or -X B̄ᵀ when transposed), restricted to A's triangle.
    /// </summary>
    /// <exception cref="ArgumentException">A has a zero on its diagonal; names the entry.</exception>
    public static Tensor TriangularSolve(Tensor a, Tensor b, bool lower = true, bool transpose = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = RequireSquare(a, nameof(a));
        if (b.Rank < 2 || b.ShapeArray[^2] != n)
        {
            throw new ArgumentException($"TriangularSolve: B of shape {Shapes.Format(b.ShapeArray)} does not match A of shape {Shapes.Format(a.ShapeArray)}.", nameof(b));
        }

        int m = b.ShapeArray[^1];
        var (batch, ad, bd) = BroadcastBatch(a, b, out int[] batchShape);
        var xd = new double[batch * n * m];
        for (int i = 0; i < batch; i++)
        {
            SolveKernel(ad.AsSpan(i * n * n, n * n), bd.AsSpan(i * n * m, n * m), xd.AsSpan(i * n * m, n * m), n, m, lower, transpose);
        }

        var result = new Tensor(xd, [.. batchShape, n, m]);
        if (!Tensor.Tracks(a) && !Tensor.Tracks(b))
        {
            return result;
        }

        return Tensor.Record(result, [a, b], g =>
        {
            var aFull = new Tensor(ad, [.. batchShape, n, n]);
            var x = new Tensor(xd, result.ShapeArray);
            var gb = TriangularSolve(aFull, g, lower, !transpose);
            Tensor? ga = null;
            if (a.RequiresGrad)
            {
                var full = transpose ? -x.MatMul(gb.Transpose()) : -gb.MatMul(x.Transpose());
                ga = TensorOps.SumTo(lower ? full.Tril() : full.Triu(), a.ShapeArray);
            }

            return [ga, b.RequiresGrad ? TensorOps.SumTo(gb, b.ShapeArray) : null];
        });
    }

    /// <summary>log det(L Lᵀ) = 2 Σᵢ log Lᵢᵢ for Cholesky factors L of shape [..., n, n]; result [...].</summary>
    public static Tensor LogDetFromCholesky(this Tensor choleskyFactor)
    {
        ArgumentNullException.ThrowIfNull(choleskyFactor);
        return choleskyFactor.Diagonal().Log().Sum(-1) * 2.0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MatMulKernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y, int m, int k, int n)
    {
        // Row-oriented: y[i, :] += a[i, p] * b[p, :], so the inner loop is contiguous and vectorises.
        for (int i = 0; i < m; i++)
        {
            var row = y.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                double aip = a[(i * k) + p];
                if (aip != 0)
                {
                    TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), aip, row, row);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CholeskyKernel(ReadOnlySpan<double> a, Span<double> l, int n, int batchIndex)
    {
        for (int j = 0; j < n; j++)
        {
            var lj = l.Slice(j * n, j);
            double s = a[(j * n) + j] - TensorPrimitives.Dot<double>(lj, lj);
            if (!(s > 0) || double.IsInfinity(s))
            {
                throw new NotPositiveDefiniteException(j, s, batchIndex, nameof(a));
            }

            double d = Math.Sqrt(s);
            l[(j * n) + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                l[(i * n) + j] = (a[(i * n) + j] - TensorPrimitives.Dot<double>(l.Slice(i * n, j), lj)) / d;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SolveKernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> x, int n, int m, bool lower, bool transpose)
    {
        // op(A) is lower-triangular when exactly one of (lower, transpose) holds: solve top-down, else bottom-up.
        bool forward = lower != transpose;
        b.CopyTo(x);
        for (int step = 0; step < n; step++)
        {
            int i = forward ? step : n - 1 - step;
            double diag = a[(i * n) + i];
            if (diag == 0 || double.IsNaN(diag))
            {
                throw new ArgumentException($"Triangular matrix has {diag} on its diagonal at entry {i}; it is singular.", nameof(a));
            }

            var xi = x.Slice(i * m, m);
            for (int step2 = 0; step2 < step; step2++)
            {
                int j = forward ? step2 : n - 1 - step2;
                double aij = transpose ? a[(j * n) + i] : a[(i * n) + j];
                if (aij != 0)
                {
                    TensorPrimitives.MultiplyAdd(x.Slice(j * m, m), -aij, xi, xi);
                }
            }

            TensorPrimitives.Divide(xi, diag, xi);
        }
    }

    private static Tensor Mask(Tensor x, int diagonal, bool lower)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2)
        {
            throw new ArgumentException($"A triangular part needs rank 2 or more, got shape {Shapes.Format(x.ShapeArray)}.", nameof(x));
        }

        int rows = x.ShapeArray[^2], cols = x.ShapeArray[^1];
        var y = MaskData(x.Data, rows, cols, diagonal, lower);
        var result = new Tensor(y, x.ShapeArray);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g => [new Tensor(MaskData(g.Data, rows, cols, diagonal, lower), x.ShapeArray)]);
    }

    private static double[] MaskData(double[] data, int rows, int cols, int diagonal, bool lower)
    {
        var y = new double[data.Length];
        int batch = data.Length / Math.Max(rows * cols, 1);
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    bool keep = lower ? j - i <= diagonal : j - i >= diagonal;
                    int idx = (b * rows * cols) + (i * cols) + j;
                    y[idx] = keep ? data[idx] : 0;
                }
            }
        }

        return y;
    }

    private static int RequireSquare(Tensor x, string paramName)
    {
        if (x.Rank < 2 || x.ShapeArray[^1] != x.ShapeArray[^2])
        {
            throw new ArgumentException($"Expected square matrices [..., n, n], got shape {Shapes.Format(x.ShapeArray)}.", paramName);
        }

        return x.ShapeArray[^1];
    }

    /// <summary>Broadcasts the batch dimensions of two matrix tensors and returns both as contiguous batches.</summary>
    private static (int Batch, double[] A, double[] B) BroadcastBatch(Tensor a, Tensor b, out int[] batchShape)
    {
        int[] aBatch = a.ShapeArray[..^2], bBatch = b.ShapeArray[..^2];
        batchShape = Shapes.Broadcast(aBatch, bBatch);
        int[] aTarget = [.. batchShape, a.ShapeArray[^2], a.ShapeArray[^1]];
        int[] bTarget = [.. batchShape, b.ShapeArray[^2], b.ShapeArray[^1]];
        return (Shapes.Size(batchShape), TensorOps.Expand(a, aTarget), TensorOps.Expand(b, bTarget));
    }
}
