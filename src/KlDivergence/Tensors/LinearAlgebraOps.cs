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
    /// <summary>
    /// The matrix product a @ b of [..., m, k] and [..., k, n], with broadcast batch dimensions; a rank-1 operand is a
    /// vector (b of shape [k] gives [..., m], a of shape [k] gives [..., n]), as in NumPy. The backward pass runs the
    /// same kernel with transposed-operand flags (g bᵀ and aᵀ g, no transposed copies) and only for operands that
    /// need a gradient; a broadcast operand's gradient is summed over its batch copies in batch order.
    /// </summary>
    public static Tensor MatMul(this Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw new ArgumentException($"MatMul needs rank 1 or more on both sides, got {Shapes.Format(a.ShapeArray)} and {Shapes.Format(b.ShapeArray)}.");
        }

        if (b.Rank == 1)
        {
            return a.Rank == 1 ? MatMul(a.Unsqueeze(0), b.Unsqueeze(-1)).Reshape() : MatMul(a, b.Unsqueeze(-1)).Squeeze(-1);
        }

        if (a.Rank == 1)
        {
            return MatMul(a.Unsqueeze(0), b).Squeeze(-2);
        }

        int m = a.ShapeArray[^2], k = a.ShapeArray[^1], k2 = b.ShapeArray[^2], n = b.ShapeArray[^1];
        if (k != k2)
        {
            throw new ArgumentException($"MatMul inner dimensions differ: {Shapes.Format(a.ShapeArray)} @ {Shapes.Format(b.ShapeArray)}.");
        }

        int[] batchShape = Shapes.Broadcast(a.ShapeArray[..^2], b.ShapeArray[..^2]);
        int batch = Shapes.Size(batchShape);
        int[] aSlot = BatchSlots(a.ShapeArray[..^2], batchShape), bSlot = BatchSlots(b.ShapeArray[..^2], batchShape);
        var y = TensorPool.Rent(batch * m * n);
        var (aData, aLd, aTransposed) = Stored(a, m, k);
        var (bData, bLd, bTransposed) = Stored(b, k, n);
        for (int t = 0; t < batch; t++)
        {
            Gemm.Multiply(
                aData.AsSpan(aSlot[t] * m * k, m * k), aLd, aTransposed,
                bData.AsSpan(bSlot[t] * k * n, k * n), bLd, bTransposed,
                y.AsSpan(t * m * n, m * n), n, m, n, k);
        }

        var result = new Tensor(y, [.. batchShape, m, n]);
        if (!Tensor.Tracks(a) && !Tensor.Tracks(b))
        {
            return result;
        }

        return Tensor.Record(result, [a, b], g =>
        {
            // d(AB) = dA B + A dB, so gA = g Bᵀ and gB = Aᵀ g, each summed over the batch copies of its operand.
            // An operand broadcast over the batch sums its copies (from zero); otherwise each slot is written once.
            bool aShared = a.Length < batch * m * k, bShared = b.Length < batch * k * n;
            double[]? ga = !a.RequiresGrad ? null : aShared ? GradientPass.RentZeroed(a.Length) : GradientPass.Rent(a.Length);
            double[]? gb = !b.RequiresGrad ? null : bShared ? GradientPass.RentZeroed(b.Length) : GradientPass.Rent(b.Length);
            for (int t = 0; t < batch; t++)
            {
                var gt = g.Data.AsSpan(t * m * n, m * n);
                if (ga is not null)
                {
                    Gemm.Multiply(gt, n, false, bData.AsSpan(bSlot[t] * k * n, k * n), bLd, !bTransposed, ga.AsSpan(aSlot[t] * m * k, m * k), k, m, k, n, accumulate: aShared);
                }

                if (gb is not null)
                {
                    Gemm.Multiply(aData.AsSpan(aSlot[t] * m * k, m * k), aLd, !aTransposed, gt, n, false, gb.AsSpan(bSlot[t] * k * n, k * n), n, k, n, m, accumulate: bShared);
                }
            }

            return [ga is null ? null : new Tensor(ga, a.ShapeArray), gb is null ? null : new Tensor(gb, b.ShapeArray)];
        });
    }

    /// <summary>
    /// How an operand of logical shape [..., rows, cols] is stored for <see cref="Gemm"/>: its own array (leading dimension
    /// cols), or, for a lazy transpose (<see cref="Tensor.TransposeOf"/>), the source's array read transposed (leading
    /// dimension rows), so the product never lays the transpose out. The kernel packs either into the same panels: the
    /// same bits.
    /// </summary>
    private static (double[] Data, int Ld, bool Transposed) Stored(Tensor x, int rows, int cols) =>
        x.TransposeOf is { } source ? (source.Data, rows, true) : (x.Data, cols, false);

    /// <summary>For each index of the broadcast batch, the index of the operand's own matrix (its batch broadcast NumPy-style).</summary>
    private static int[] BatchSlots(int[] operandBatch, int[] batchShape)
    {
        int batch = Shapes.Size(batchShape);
        var slots = new int[batch];
        int lead = batchShape.Length - operandBatch.Length;
        for (int t = 0; t < batch; t++)
        {
            int rest = t, slot = 0, stride = 1;
            for (int d = batchShape.Length - 1; d >= lead; d--)
            {
                int coordinate = rest % batchShape[d];
                rest /= batchShape[d];
                int own = operandBatch[d - lead];
                slot += (own == 1 ? 0 : coordinate) * stride;
                stride *= own;
            }

            slots[t] = slot;
        }

        return slots;
    }

    /// <summary>The diagonal of each matrix: [..., n, n] to [..., n].</summary>
    public static Tensor Diagonal(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = RequireSquare(x, nameof(x));
        int batch = x.Length / Math.Max(n * n, 1);
        var y = TensorPool.RentZeroed(batch * n);
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
        var y = TensorPool.RentZeroed(batch * n * n);
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
        var l = TensorPool.RentZeroed(a.Length);
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
            var ltg = lt.Transpose().MatMul(g);
            var phi = ltg.Tril() - (ltg.Diagonal() * 0.5).DiagEmbed();
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
        var xd = TensorPool.RentZeroed(batch * n * m);
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

    /// <summary>Block size of the blocked factorisation and solve: the diagonal blocks run unblocked, the rest in <see cref="Gemm"/>.</summary>
    private const int Block = 64;

    /// <summary>
    /// L with L Lᵀ = A from A's lower triangle, left-looking by blocks of columns: each block column is first updated
    /// by one matrix product with the columns already factored (L₂₁ -= L₂₀ L₁₀ᵀ, the bulk of the n³/3 work, in the
    /// product kernel), then factored column by column (Golub and Van Loan, Matrix Computations, 4th ed., sec. 4.2.9).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CholeskyKernel(ReadOnlySpan<double> a, Span<double> l, int n, int batchIndex)
    {
        if (n <= SmallCholesky)
        {
            CholeskySmall(a, l, n, batchIndex);
            return;
        }

        CholeskyBlocked(a, l, n, batchIndex);
    }

    /// <summary>Up to this order a factorisation is one plain loop nest: the blocked kernel's slicing and pinning cost more than its arithmetic.</summary>
    internal const int SmallCholesky = 4;

    /// <summary>
    /// <see cref="CholeskyBlocked"/> for n ≤ <see cref="SmallCholesky"/>, where it is one block: the same operations in
    /// the same order (each dot product summed from zero in index order, as <see cref="Gemm.Dot"/> sums fewer than eight
    /// terms, then subtracted), so the same bits, without spans, pins or calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CholeskySmall(ReadOnlySpan<double> a, Span<double> l, int n, int batchIndex)
    {
        if (a.Length < n * n || l.Length < n * n || n > SmallCholesky)
        {
            throw new ArgumentException($"A small Cholesky factorisation needs n ≤ {SmallCholesky} and spans of n² = {n * n}; got n = {n}, {a.Length} and {l.Length}.");
        }

        for (int j = 0; j < n; j++)
        {
            double s = a[(j * n) + j] - PrefixDot(l, j * n, j * n, j);
            if (!(s > 0) || double.IsInfinity(s))
            {
                throw new NotPositiveDefiniteException(j, s, batchIndex, nameof(a));
            }

            double d = Math.Sqrt(s);
            l[(j * n) + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                l[(i * n) + j] = (a[(i * n) + j] - PrefixDot(l, i * n, j * n, j)) / d;
            }

            for (int k = j + 1; k < n; k++)
            {
                l[(j * n) + k] = 0;
            }
        }
    }

    /// <summary>Σₖ l[a + k] l[b + k] for k &lt; <paramref name="count"/>, summed from zero in index order as <see cref="Gemm.Dot"/> sums a few terms.</summary>
    private static double PrefixDot(ReadOnlySpan<double> l, int a, int b, int count)
    {
        double sum = 0;
        for (int k = 0; k < count; k++)
        {
            sum += l[a + k] * l[b + k];
        }

        return sum;
    }

    /// <summary>The blocked factorisation behind <see cref="CholeskyKernel"/> for any order (the small path's reference).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void CholeskyBlocked(ReadOnlySpan<double> a, Span<double> l, int n, int batchIndex)
    {
        for (int i = 0; i < n; i++)
        {
            a.Slice(i * n, i + 1).CopyTo(l.Slice(i * n, i + 1));
            l.Slice((i * n) + i + 1, n - i - 1).Clear();
        }

        fixed (double* pl = l)
        {
            for (int j0 = 0; j0 < n; j0 += Block)
            {
                int jb = Math.Min(Block, n - j0);
                if (j0 > 0)
                {
                    Gemm.Multiply(pl + (j0 * n), n, false, pl + (j0 * n), n, true, pl + (j0 * n) + j0, n, n - j0, jb, j0, -1, accumulate: true);

                    // The product also wrote the diagonal block's upper triangle, which must stay zero.
                    for (int i = j0; i < j0 + jb; i++)
                    {
                        l.Slice((i * n) + i + 1, j0 + jb - i - 1).Clear();
                    }
                }

                for (int j = j0; j < j0 + jb; j++)
                {
                    var lj = l.Slice((j * n) + j0, j - j0);
                    double s = l[(j * n) + j] - Gemm.Dot(lj, lj);
                    if (!(s > 0) || double.IsInfinity(s))
                    {
                        throw new NotPositiveDefiniteException(j, s, batchIndex, nameof(a));
                    }

                    double d = Math.Sqrt(s);
                    l[(j * n) + j] = d;
                    for (int i = j + 1; i < n; i++)
                    {
                        l[(i * n) + j] = (l[(i * n) + j] - Gemm.Dot(l.Slice((i * n) + j0, j - j0), lj)) / d;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Solves op(A) X = B for triangular A (n x n) and B (n x m) by blocks of rows in solve order: each block first
    /// subtracts the rows already solved in one matrix product (op(A) read transposed in place when asked), then
    /// substitutes within its diagonal block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SolveKernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> x, int n, int m, bool lower, bool transpose)
    {
        if (n <= SmallCholesky && m <= SmallCholesky)
        {
            SolveSmall(a, b, x, n, m, lower, transpose);
            return;
        }

        SolveBlocked(a, b, x, n, m, lower, transpose);
    }

    /// <summary>
    /// <see cref="SolveBlocked"/> for n and m up to <see cref="SmallCholesky"/>, where it is one block: the same
    /// substitutions in the same order (each x_j a_ij subtracted as a product then a sum, then one division), so the
    /// same bits, without pins, slices or vector calls on rows of a few values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SolveSmall(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> x, int n, int m, bool lower, bool transpose)
    {
        if (a.Length < n * n || b.Length < n * m || x.Length < n * m || n > SmallCholesky || m > SmallCholesky)
        {
            throw new ArgumentException($"A small triangular solve needs n, m ≤ {SmallCholesky} and spans of n² and n m; got n = {n}, m = {m}, {a.Length}, {b.Length} and {x.Length}.");
        }

        bool forward = lower != transpose;
        b[..(n * m)].CopyTo(x);
        for (int step = 0; step < n; step++)
        {
            int i = forward ? step : n - 1 - step;
            double diag = a[(i * n) + i];
            if (diag == 0 || double.IsNaN(diag))
            {
                throw new ArgumentException($"Triangular matrix has {diag} on its diagonal at entry {i}; it is singular.", nameof(a));
            }

            for (int step2 = 0; step2 < step; step2++)
            {
                int j = forward ? step2 : n - 1 - step2;
                double aij = transpose ? a[(j * n) + i] : a[(i * n) + j];
                if (aij != 0)
                {
                    for (int k = 0; k < m; k++)
                    {
                        x[(i * m) + k] = (x[(j * m) + k] * -aij) + x[(i * m) + k];
                    }
                }
            }

            for (int k = 0; k < m; k++)
            {
                x[(i * m) + k] /= diag;
            }
        }
    }

    /// <summary>The blocked solve behind <see cref="SolveKernel"/> for any size (the small path's reference).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void SolveBlocked(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> x, int n, int m, bool lower, bool transpose)
    {
        // op(A) is lower-triangular when exactly one of (lower, transpose) holds: solve top-down, else bottom-up.
        bool forward = lower != transpose;
        b.CopyTo(x);
        fixed (double* pa = a)
        fixed (double* px = x)
        {
            for (int blockStep = 0; blockStep < n; blockStep += Block)
            {
                int ib = Math.Min(Block, n - blockStep);
                int i0 = forward ? blockStep : n - blockStep - ib;
                int solvedStart = forward ? 0 : i0 + ib, solvedCount = blockStep;
                if (solvedCount > 0 && m > 0)
                {
                    // X[i0 .. i0+ib] -= op(A)[i0 .. i0+ib, solved] X[solved]; op(A)[i, j] = A[j, i] when transposed.
                    double* opA = transpose ? pa + (solvedStart * n) + i0 : pa + (i0 * n) + solvedStart;
                    Gemm.Multiply(opA, n, transpose, px + (solvedStart * m), m, false, px + (i0 * m), m, ib, m, solvedCount, -1, accumulate: true);
                }

                for (int step = 0; step < ib; step++)
                {
                    int i = forward ? i0 + step : i0 + ib - 1 - step;
                    double diag = a[(i * n) + i];
                    if (diag == 0 || double.IsNaN(diag))
                    {
                        throw new ArgumentException($"Triangular matrix has {diag} on its diagonal at entry {i}; it is singular.", nameof(a));
                    }

                    var xi = x.Slice(i * m, m);
                    for (int step2 = 0; step2 < step; step2++)
                    {
                        int j = forward ? i0 + step2 : i0 + ib - 1 - step2;
                        double aij = transpose ? a[(j * n) + i] : a[(i * n) + j];
                        if (aij != 0)
                        {
                            TensorPrimitives.MultiplyAdd(x.Slice(j * m, m), -aij, xi, xi);
                        }
                    }

                    TensorPrimitives.Divide(xi, diag, xi);
                }
            }
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
        var y = TensorPool.RentZeroed(data.Length);
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
