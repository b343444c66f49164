using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences between multivariate normals, full or diagonal.</summary>
internal static class MultivariateNormalKl
{
    /// <summary>Largest d·d whose per-element scratch lives on the stack.</summary>
    private const int StackLimit = 256;

    /// <summary>About this many multiply-adds per chunk of batch elements (a fixed size, so splits never change a result).</summary>
    private const int ChunkWork = 1 << 16;

    /// <summary>
    /// KL(N(μ₁, L₁L₁ᵀ) ‖ N(μ₂, L₂L₂ᵀ)) = ½(‖A‖²_F + ‖b‖² - d) + Σ log diag L₂ - Σ log diag L₁ with A = L₂⁻¹L₁ and
    /// b = L₂⁻¹(μ₂ - μ₁), the Gaussian KL (e.g. Rasmussen &amp; Williams, GPML, eq. A.23) with the trace, Mahalanobis
    /// and log-determinant terms taken from the Cholesky factors by triangular solves; no inverse is formed. One value
    /// per element of the broadcast of the four batch shapes, as one recorded op: the kernel <see cref="Value"/>
    /// forward (the same value with or without gradients) and <see cref="Gradients"/> backward.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Numerics: the log-determinants are sums of log-diagonals (finite for scale ratios beyond the double range), and
    /// the Mahalanobis term solves for the halved location difference z = L₂⁻¹(μ₂/2 - μ₁/2) and multiplies by 4 (the
    /// same bits for normal doubles), so locations near ±1.8e308 do not overflow where the scaled difference is finite.
    /// </para>
    /// <para>
    /// Only the lower triangles of the factors are read (a scale_tril's parameters; the families reject a non-zero
    /// upper triangle), so A is lower-triangular and the strict upper triangles get a zero gradient.
    /// </para>
    /// <para>
    /// Recorded directly rather than as a <see cref="CustomOp"/>: that hook is element-wise (one value of each input
    /// per output element), while a pair here reads d + d² values of each factor, as the MVN kernels of
    /// <see cref="MultivariateNormalOps"/> do.
    /// </para>
    /// </remarks>
    public static Tensor FromFactors(Tensor loc1, Tensor scaleTril1, Tensor loc2, Tensor scaleTril2)
    {
        var pairs = new Pairs(loc1, scaleTril1, loc2, scaleTril2);
        var result = new Tensor(pairs.Forward(), pairs.Shape);
        if (!Tensor.Tracks(loc1) && !Tensor.Tracks(scaleTril1) && !Tensor.Tracks(loc2) && !Tensor.Tracks(scaleTril2))
        {
            return result;
        }

        return Tensor.Record(result, pairs.Operands, g => pairs.Backward(g.Data));
    }

    public static Tensor FullFull(MultivariateNormal p, MultivariateNormal q) => FromFactors(p.Loc, p.ScaleTril, q.Loc, q.ScaleTril);

    public static Tensor FullDiag(MultivariateNormal p, MultivariateNormalDiag q) => FromFactors(p.Loc, p.ScaleTril, q.Loc, q.ScaleTril);

    public static Tensor DiagFull(MultivariateNormalDiag p, MultivariateNormal q) => FromFactors(p.Loc, p.ScaleTril, q.Loc, q.ScaleTril);

    /// <summary>
    /// Both diagonal: the sum over dimensions of the univariate normal KL (the fast path: no matrices,
    /// and the same cancellation-free formula as <see cref="NormalKl"/>).
    /// </summary>
    public static Tensor DiagDiag(MultivariateNormalDiag p, MultivariateNormalDiag q) =>
        NormalKl.Elementwise(p.Loc, p.ScaleDiag, q.Loc, q.ScaleDiag).Sum(-1);

    /// <summary>
    /// The KL of one pair, the one statement of the formula: A = L₂⁻¹ tril(L₁) into <paramref name="a"/> (d x d,
    /// lower-triangular) and z = L₂⁻¹(μ₂/2 - μ₁/2) into <paramref name="z"/>, by the engine's triangular-solve kernel;
    /// KL = ½(‖A‖²_F + 4‖z‖² - d) + Σᵢ (log L₂ᵢᵢ - log L₁ᵢᵢ), summed as ½Σ_{i&gt;j} Aᵢⱼ² + Σᵢ ((rᵢ² - 1)/2 - log rᵢ) + 2‖z‖²
    /// with rᵢ = L₁ᵢᵢ/L₂ᵢᵢ = Aᵢᵢ: non-negative pieces, so nearly equal distributions get a KL accurate to its own size.
    /// </summary>
    private static double Value(ReadOnlySpan<double> m1, ReadOnlySpan<double> l1, ReadOnlySpan<double> m2, ReadOnlySpan<double> l2, int d, Span<double> a, Span<double> z)
    {
        for (int i = 0; i < d; i++)
        {
            // Element by element: at small d a copy or clear call per row costs more than the row.
            for (int j = 0; j < d; j++)
            {
                a[(i * d) + j] = j <= i ? l1[(i * d) + j] : 0;
            }

            z[i] = (0.5 * m2[i]) - (0.5 * m1[i]);
        }

        LinearAlgebraOps.SolveKernel(l2, a, a, d, d, lower: true, transpose: false);
        LinearAlgebraOps.SolveKernel(l2, z, z, d, 1, lower: true, transpose: false);
        // ½(Σᵢ Aᵢᵢ² - d) + Σᵢ log(L₂ᵢᵢ/L₁ᵢᵢ) regrouped per dimension: Aᵢᵢ = L₁ᵢᵢ/L₂ᵢᵢ (A is triangular), so dimension
        // i adds (r² - 1)/2 - log r with r = L₁ᵢᵢ/L₂ᵢᵢ, which ScaleRatio.Term takes without cancellation. Every piece is
        // then non-negative: summed apart, the trace and log-determinant terms cancelled to first order, and for
        // nearly equal distributions the true KL (second order) drowned in their rounding.
        double offDiagonal = 0, diagonal = 0, mahalanobis = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                offDiagonal += a[(i * d) + j] * a[(i * d) + j];
            }

            mahalanobis += z[i] * z[i];
            diagonal += ScaleRatio.Term(l1[(i * d) + i], l2[(i * d) + i], 2);
        }

        return (0.5 * offDiagonal) + diagonal + (2 * mahalanobis);
    }

    /// <summary>
    /// g times the partial derivatives of one pair's KL into the non-empty spans, from <see cref="Value"/>'s A and z
    /// (scratch <paramref name="m"/> d x d and <paramref name="v"/> d). With M = L₂⁻ᵀA, v = L₂⁻ᵀz (so L₂⁻ᵀb = 2v, b = 2z):
    /// ∂KL/∂μ₁ = -2v, ∂KL/∂μ₂ = 2v, ∂KL/∂L₁ = tril(M) - diag(1/L₁ᵢᵢ) and
    /// ∂KL/∂L₂ = tril(-M Aᵀ - 4 v zᵀ) + diag(1/L₂ᵢᵢ); zero above the diagonals.
    /// </summary>
    /// <remarks>
    /// From d(L₂⁻¹) = -L₂⁻¹ dL₂ L₂⁻¹ and d log det L = tr(L⁻¹ dL) (the Matrix Cookbook, Petersen and Pedersen (2012),
    /// §2.1–2.2): d(½‖A‖²) = tr(Aᵀ L₂⁻¹ dL₁) - tr(A Aᵀ L₂⁻¹ dL₂) and d(½‖b‖²) = -bᵀL₂⁻¹ dμ₁ + bᵀL₂⁻¹ dμ₂ - tr(b bᵀ L₂⁻¹ dL₂).
    /// </remarks>
    private static void Gradients(
        ReadOnlySpan<double> l1, ReadOnlySpan<double> l2, int d, double g, ReadOnlySpan<double> a, ReadOnlySpan<double> z, Span<double> m, Span<double> v,
        Span<double> gLoc1, Span<double> gTril1, Span<double> gLoc2, Span<double> gTril2)
    {
        LinearAlgebraOps.SolveKernel(l2, a, m, d, d, lower: true, transpose: true);
        LinearAlgebraOps.SolveKernel(l2, z, v, d, 1, lower: true, transpose: true);
        for (int i = 0; i < d; i++)
        {
            if (!gLoc1.IsEmpty)
            {
                gLoc1[i] = -2 * g * v[i];
            }

            if (!gLoc2.IsEmpty)
            {
                gLoc2[i] = 2 * g * v[i];
            }

            if (!gTril1.IsEmpty)
            {
                var row = gTril1.Slice(i * d, d);
                for (int j = 0; j < i; j++)
                {
                    row[j] = g * m[(i * d) + j];
                }

                row[i] = g * (m[(i * d) + i] - (1 / l1[(i * d) + i]));
                row[(i + 1)..].Clear();
            }

            if (!gTril2.IsEmpty)
            {
                // (M Aᵀ)ᵢⱼ = Σ_{k ≤ j} Mᵢₖ Aⱼₖ: A is lower-triangular.
                var row = gTril2.Slice(i * d, d);
                for (int j = 0; j <= i; j++)
                {
                    double product = Gemm.Dot(m.Slice(i * d, j + 1), a.Slice(j * d, j + 1)) + (4 * v[i] * z[j]);
                    row[j] = g * ((j == i ? 1 / l2[(i * d) + i] : 0) - product);
                }

                row[(i + 1)..].Clear();
            }
        }
    }

    /// <summary>
    /// The four operands broadcast over their batch shapes: where each output element's pair sits in each operand
    /// (read in place), the chunks the work is cut into, and the backward pass.
    /// </summary>
    private sealed class Pairs
    {
        /// <summary>Per operand, its batch index at each output element (null: the output's own index, or no operand broadcast).</summary>
        private readonly int[]?[]? maps;

        private readonly double[] loc1, tril1, loc2, tril2;

        /// <summary>Batch elements per chunk: a size fixed by d alone, so splits never change a result.</summary>
        private readonly int chunk;

        public Pairs(Tensor loc1, Tensor scaleTril1, Tensor loc2, Tensor scaleTril2)
        {
            Operands = [loc1, scaleTril1, loc2, scaleTril2];
            (this.loc1, tril1, this.loc2, tril2) = (loc1.Data, scaleTril1.Data, loc2.Data, scaleTril2.Data);
            D = loc1.ShapeArray[^1];
            var batch = loc1.ShapeArray.AsSpan(0, loc1.Rank - 1);
            if (batch.SequenceEqual(scaleTril1.ShapeArray.AsSpan(0, scaleTril1.Rank - 2)) && batch.SequenceEqual(loc2.ShapeArray.AsSpan(0, loc2.Rank - 1))
                && batch.SequenceEqual(scaleTril2.ShapeArray.AsSpan(0, scaleTril2.Rank - 2)))
            {
                // One batch shape (a single pair included): every operand is read at the output's own index.
                Shape = batch.ToArray();
                Count = loc1.Length / D;
            }
            else
            {
                int[][] batches = [loc1.ShapeArray[..^1], scaleTril1.ShapeArray[..^2], loc2.ShapeArray[..^1], scaleTril2.ShapeArray[..^2]];
                Shape = Shapes.Broadcast(Shapes.Broadcast(batches[0], batches[1]), Shapes.Broadcast(batches[2], batches[3]));
                Count = Shapes.Size(Shape);
                maps = [.. batches.Select(b => Map(b, Shape, Count))];
            }

            chunk = (int)Math.Max(1, ChunkWork / (((long)D * D * D) + 1));
        }

        /// <summary>loc1, scaleTril1, loc2, scaleTril2.</summary>
        public Tensor[] Operands { get; }

        public int D { get; }

        /// <summary>The broadcast batch shape (the result's shape).</summary>
        public int[] Shape { get; }

        /// <summary>The number of pairs.</summary>
        public int Count { get; }

        private int Chunks => TensorParallelism.ChunkCount(Count, chunk);

        /// <summary>The divergence of every pair (<see cref="Value"/>), by chunks on up to the worker cap.</summary>
        public double[] Forward()
        {
            var y = TensorPool.Rent(Count);
            if (Chunks <= 1)
            {
                ForwardChunk(0, Count, y);
            }
            else
            {
                TensorParallelism.For(Chunks, c => ForwardChunk(c * chunk, Math.Min(chunk, Count - (c * chunk)), y));
            }

            return y;
        }

        /// <summary>
        /// The gradients of the four operands for upstream gradients <paramref name="g"/>: each element's written into
        /// an output-sized array (the operand's own when it is not broadcast), broadcast ones then summed back to their
        /// shapes in output order by the engine's broadcast iterator, so the result does not depend on the split.
        /// </summary>
        public Tensor?[] Backward(double[] g)
        {
            int d = D;
            int[] sizes = [d, d * d, d, d * d];
            var grads = new double[]?[4];
            for (int k = 0; k < 4; k++)
            {
                grads[k] = !Operands[k].RequiresGrad ? null : maps?[k] is null ? GradientPass.Rent(Count * sizes[k]) : TensorPool.Rent(Count * sizes[k]);
            }

            TensorParallelism.For(Chunks, c =>
            {
                int first = c * chunk, count = Math.Min(chunk, Count - first);
                double[]? rented = d * d > StackLimit ? TensorPool.Rent(2 * d * d) : null;
                Span<double> scratch = rented is null ? stackalloc double[2 * d * d] : rented;
                Span<double> vectors = d > StackLimit ? new double[2 * d] : stackalloc double[2 * d];
                Span<double> a = scratch[..(d * d)], m = scratch.Slice(d * d, d * d), z = vectors[..d], v = vectors[d..];
                for (int n = first; n < first + count; n++)
                {
                    ReadOnlySpan<double> l1 = Tril1(n), l2 = Tril2(n);
                    Value(Loc1(n), l1, Loc2(n), l2, d, a, z);
                    Gradients(l1, l2, d, g[n], a, z, m, v, Slot(grads[0], n, d), Slot(grads[1], n, d * d), Slot(grads[2], n, d), Slot(grads[3], n, d * d));
                }

                if (rented is not null)
                {
                    TensorPool.Return(rented);
                }
            });

            var results = new Tensor?[4];
            for (int k = 0; k < 4; k++)
            {
                if (grads[k] is not { } gk)
                {
                    continue;
                }

                var operand = Operands[k];
                if (maps?[k] is null)
                {
                    results[k] = new Tensor(gk, operand.ShapeArray);
                    continue;
                }

                var target = TensorPool.RentZeroed(operand.Length);
                int[] full = k % 2 == 0 ? [.. Shape, d] : [.. Shape, d, d];
                new BroadcastIterator(operand.Data, operand.ShapeArray, full).ScatterAdd(0, gk.AsSpan(0, Count * sizes[k]), target);
                TensorPool.Return(gk);
                results[k] = new Tensor(target, operand.ShapeArray);
            }

            return results;
        }

        private void ForwardChunk(int first, int count, double[] y)
        {
            int d = D;
            double[]? rented = d * d > StackLimit ? TensorPool.Rent(d * d) : null;
            Span<double> a = rented is null ? stackalloc double[d * d] : rented;
            Span<double> z = d > StackLimit ? new double[d] : stackalloc double[d];
            for (int n = first; n < first + count; n++)
            {
                y[n] = Value(Loc1(n), Tril1(n), Loc2(n), Tril2(n), d, a, z);
            }

            if (rented is not null)
            {
                TensorPool.Return(rented);
            }
        }

        private ReadOnlySpan<double> Loc1(int n) => loc1.AsSpan(At(0, n) * D, D);

        private ReadOnlySpan<double> Tril1(int n) => tril1.AsSpan(At(1, n) * D * D, D * D);

        private ReadOnlySpan<double> Loc2(int n) => loc2.AsSpan(At(2, n) * D, D);

        private ReadOnlySpan<double> Tril2(int n) => tril2.AsSpan(At(3, n) * D * D, D * D);

        private static Span<double> Slot(double[]? gradient, int n, int size) => gradient is null ? default : gradient.AsSpan(n * size, size);

        /// <summary>
        /// An operand's batch index at each output element (null when its batch has the output's size, so the same
        /// layout), found by gathering its indices through the engine's broadcast iterator.
        /// </summary>
        private static int[]? Map(int[] batch, int[] shape, int count)
        {
            int size = Shapes.Size(batch);
            if (size == count)
            {
                return null;
            }

            var indices = new double[size];
            for (int i = 0; i < size; i++)
            {
                indices[i] = i;
            }

            var gathered = new double[count];
            new BroadcastIterator(indices, batch, shape).Gather(0, gathered);
            return Array.ConvertAll(gathered, i => (int)i);
        }

        private int At(int k, int n) => maps?[k] is { } map ? map[n] : n;
    }
}
