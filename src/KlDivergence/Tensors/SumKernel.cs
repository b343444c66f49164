using System.Numerics.Tensors;

namespace KlDivergence.Tensors;

/// <summary>
/// The sums behind <see cref="TensorOps.Sum(Tensor)"/> and <see cref="TensorOps.Sum(Tensor, int, bool)"/>, split
/// across cores for large inputs. A run of fewer than <see cref="ElementwiseSplit.Threshold"/> values is summed in one
/// vectorised pass; a longer run is defined as the sum, in block order, of its fixed blocks' sums (blocks of
/// <see cref="ElementwiseSplit.BlockSize"/>), whichever worker computes each block. A sum over a first or middle axis
/// adds its slices in order, and a long one (as many elements as a run that splits) is the in-order sum of fixed blocks
/// of slices. The definitions do not depend on the number of workers, so neither do the bits.
/// </summary>
internal static class SumKernel
{
    /// <summary>The sum of <paramref name="length"/> values from <paramref name="start"/> (see the type's remarks), its blocks spread over the workers.</summary>
    public static double Run(double[] values, int start, int length) => Blocked(values, start, length, parallel: true);

    /// <summary>The one definition of a run's sum; <paramref name="parallel"/> chooses only where its blocks are summed.</summary>
    private static double Blocked(double[] values, int start, int length, bool parallel) =>
        ElementwiseSplit.Splits(length) ? SplitSum(values, start, length, parallel) : TensorPrimitives.Sum<double>(values.AsSpan(start, length));

    /// <summary>
    /// <see cref="Blocked"/> for a run long enough to split. Its own method: the block function captures the arguments,
    /// and a method with a capture allocates its closure on entry, which every short row's sum would pay.
    /// </summary>
    private static double SplitSum(double[] values, int start, int length, bool parallel)
    {
        int blocks = TensorParallelism.ChunkCount(length, ElementwiseSplit.BlockSize);
        var partial = new double[blocks];
        void Block(int c)
        {
            int s = c * ElementwiseSplit.BlockSize;
            partial[c] = TensorPrimitives.Sum<double>(values.AsSpan(start + s, Math.Min(ElementwiseSplit.BlockSize, length - s)));
        }

        if (parallel)
        {
            TensorParallelism.For(blocks, Block);
        }
        else
        {
            for (int c = 0; c < blocks; c++)
            {
                Block(c);
            }
        }

        return TensorPrimitives.Sum<double>(partial);
    }

    /// <summary>
    /// y[o, i] = Σₖ x[o, k, i] for x laid out as [<paramref name="outer"/>, <paramref name="n"/>, <paramref name="inner"/>]
    /// into <paramref name="y"/> (of outer × inner elements, any contents). Each output element is summed in the same
    /// order whatever the split: rows of the last axis by <see cref="Run"/>'s definition, other axes term by term in k.
    /// </summary>
    public static void Axis(double[] x, int outer, int n, int inner, double[] y)
    {
        if (inner == 1)
        {
            if (outer == 1)
            {
                y[0] = Run(x, 0, n);
                return;
            }

            ElementwiseSplit.ForRows(outer, n, o => y[o] = Blocked(x, o * n, n, parallel: false));
            return;
        }

        int slicesPerBlock = Math.Max(1, ElementwiseSplit.BlockSize / inner);
        if (ElementwiseSplit.Splits(n * inner) && n > slicesPerBlock)
        {
            SlicesInBlocks(x, outer, n, inner, slicesPerBlock, y);
            return;
        }

        // Sum along a middle or first axis: each output row of `inner` values accumulates its n slices in order.
        ElementwiseSplit.ForRows(outer, n * inner, o => Slices(x, o, n, inner, 0, n, y.AsSpan(o * inner, inner)));
    }

    /// <summary>
    /// The sum over a long middle or first axis (a column sum of a tall matrix, a bias's gradient over a large batch):
    /// defined as the sum, in block order, of the sums of fixed blocks of <paramref name="slicesPerBlock"/> slices (about a
    /// block's worth of elements each), the blocks spread over the workers. The blocks depend on the shape only, so the
    /// bits do not depend on the number of workers; before, one thread added every slice in turn.
    /// </summary>
    private static void SlicesInBlocks(double[] x, int outer, int n, int inner, int slicesPerBlock, double[] y)
    {
        int blocks = TensorParallelism.ChunkCount(n, slicesPerBlock);

        // Each block's partial sums a cache line apart from the next block's: two workers adding into neighbouring
        // partials in one line made two workers slower than one (false sharing).
        int stride = ((inner + 7) & ~7) + 8;
        var partial = TensorPool.Rent(blocks * stride);
        for (int o = 0; o < outer; o++)
        {
            int row = o;
            TensorParallelism.For(blocks, b =>
                Slices(x, row, n, inner, b * slicesPerBlock, Math.Min(n, (b + 1) * slicesPerBlock), partial.AsSpan(b * stride, inner)));
            var dst = y.AsSpan(o * inner, inner);
            partial.AsSpan(0, inner).CopyTo(dst);
            for (int b = 1; b < blocks; b++)
            {
                TensorPrimitives.Add(dst, partial.AsSpan(b * stride, inner), dst);
            }
        }

        TensorPool.Return(partial);
    }

    /// <summary>Σ of slices <paramref name="first"/> .. <paramref name="end"/> - 1 of output row <paramref name="o"/>, added in order into <paramref name="dst"/>.</summary>
    private static void Slices(double[] x, int o, int n, int inner, int first, int end, Span<double> dst)
    {
        x.AsSpan(((o * n) + first) * inner, inner).CopyTo(dst);
        for (int k = first + 1; k < end; k++)
        {
            TensorPrimitives.Add(dst, x.AsSpan(((o * n) + k) * inner, inner), dst);
        }
    }

    /// <summary>Fills <paramref name="target"/> with <paramref name="value"/>, in blocks across the workers when large.</summary>
    public static void Fill(double[] target, double value)
    {
        if (!ElementwiseSplit.Splits(target.Length))
        {
            target.AsSpan().Fill(value);
            return;
        }

        ElementwiseSplit.Run(target.Length, (s, m) => target.AsSpan(s, m).Fill(value));
    }
}
