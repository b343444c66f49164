namespace KlDivergence.Tensors;

/// <summary>
/// Differentiable operations that rearrange elements: reshape, broadcast, transpose, slicing,
/// indexing, concatenation and stacking.
/// </summary>
public static class ShapeOps
{
    /// <summary>The same elements under a new shape; one entry may be -1 to infer it. Shares storage.</summary>
    /// <exception cref="ArgumentException">The element count does not match.</exception>
    public static Tensor Reshape(this Tensor x, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        int[] s = (int[])shape.Clone();
        int infer = Array.IndexOf(s, -1);
        if (infer >= 0)
        {
            int known = 1;
            for (int i = 0; i < s.Length; i++)
            {
                known *= i == infer ? 1 : s[i];
            }

            s[infer] = known == 0 ? 0 : x.Length / known;
        }

        Shapes.Validate(s, nameof(shape));
        if (Shapes.Size(s) != x.Length)
        {
            throw new ArgumentException($"Cannot reshape a tensor of shape {Shapes.Format(x.ShapeArray)} to {Shapes.Format(shape)}.", nameof(shape));
        }

        return View(x, s);
    }

    /// <summary>Inserts a dimension of length 1 at <paramref name="axis"/> (negative counts from the end of the result).</summary>
    public static Tensor Unsqueeze(this Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.Axis(axis, x.Rank + 1);
        var s = new int[x.Rank + 1];
        x.ShapeArray.AsSpan(0, ax).CopyTo(s);
        s[ax] = 1;
        x.ShapeArray.AsSpan(ax).CopyTo(s.AsSpan(ax + 1));
        return View(x, s);
    }

    /// <summary>Removes the dimension of length 1 at <paramref name="axis"/>.</summary>
    public static Tensor Squeeze(this Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.Axis(axis, x.Rank);
        if (x.ShapeArray[ax] != 1)
        {
            throw new ArgumentException($"Cannot squeeze axis {axis} of length {x.ShapeArray[ax]} (shape {Shapes.Format(x.ShapeArray)}).", nameof(axis));
        }

        return View(x, TensorOps.RemoveAxis(x.ShapeArray, ax));
    }

    /// <summary>The tensor broadcast (copied) to <paramref name="shape"/>; the gradient sums back.</summary>
    public static Tensor BroadcastTo(this Tensor x, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        int[] target = Shapes.Broadcast(x.ShapeArray, shape);
        if (!Shapes.Equal(target, shape))
        {
            throw new ArgumentException($"Cannot broadcast shape {Shapes.Format(x.ShapeArray)} to {Shapes.Format(shape)}.", nameof(shape));
        }

        if (Shapes.Equal(x.ShapeArray, shape))
        {
            return x;
        }

        var result = new Tensor(Shapes.BroadcastData(x.Data, x.ShapeArray, target), target);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g => [TensorOps.SumTo(g, x.ShapeArray)]);
    }

    /// <summary>Swaps the last two dimensions (the matrix transpose, batched).</summary>
    public static Tensor Transpose(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2)
        {
            throw new ArgumentException($"Transpose needs rank 2 or more, got shape {Shapes.Format(x.ShapeArray)}.", nameof(x));
        }

        // Lazy: laid out only if something other than a matrix product reads it (see Tensor.TransposeOf).
        int[] shape = [.. x.ShapeArray[..^2], x.ShapeArray[^1], x.ShapeArray[^2]];
        var result = Tensor.LazyTranspose(x, shape);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g => [new Tensor(TransposeData(g.Data, g.ShapeArray, out int[] s), s)]);
    }

    /// <summary>
    /// The slice of <paramref name="length"/> entries starting at <paramref name="start"/> along
    /// <paramref name="axis"/> (the dimension is kept).
    /// </summary>
    public static Tensor Narrow(this Tensor x, int axis, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.Axis(axis, x.Rank);
        if (start < 0 || length < 0 || start + length > x.ShapeArray[ax])
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {start + length}) is out of range for axis {axis} of shape {Shapes.Format(x.ShapeArray)}.");
        }

        var indices = new int[length];
        for (int i = 0; i < length; i++)
        {
            indices[i] = start + i;
        }

        return x.IndexSelect(ax, indices);
    }

    /// <summary>The entry <paramref name="index"/> along <paramref name="axis"/>, removing that dimension.</summary>
    public static Tensor Select(this Tensor x, int axis, int index)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = Shapes.Axis(axis, x.Rank);
        return x.IndexSelect(ax, [index]).Squeeze(ax);
    }

    /// <summary>
    /// The entries at <paramref name="indices"/> along <paramref name="axis"/>, in that order (repeats allowed);
    /// the gradient adds back into the picked positions. Costs what it copies, not what the source holds; in a
    /// backward pass the gradient is scattered straight into the source's pending gradient, so several gathers from
    /// one source share one dense gradient array.
    /// </summary>
    public static Tensor IndexSelect(this Tensor x, int axis, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        int ax = Shapes.Axis(axis, x.Rank);
        var (outer, n, inner) = Shapes.AroundAxis(x.ShapeArray, ax);
        foreach (int i in indices)
        {
            if ((uint)i >= (uint)n)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {i} is out of range for axis {axis} of length {n}.");
            }
        }

        int m = indices.Length;
        var y = TensorPool.Rent(outer * m * inner);
        Gather(x.Data, indices, outer, n, inner, y);
        int[] shape = (int[])x.ShapeArray.Clone();
        shape[ax] = m;
        var result = new Tensor(y, shape);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        // The indices are copied: the caller may refill its array before the backward pass.
        int[] picked = (int[])indices.Clone();
        void ScatterAdd(Tensor g, double[] target) => Scatter(g.Data, picked, outer, n, inner, target);
        result = Tensor.Record(result, [x], g =>
        {
            var gx = GradientPass.RentZeroed(x.Length);
            ScatterAdd(g, gx);
            return [new Tensor(gx, x.ShapeArray)];
        });
        result.Node!.ScatterInto = ScatterAdd;
        return result;
    }

    /// <summary>
    /// Gathers of at least this many elements split their rows across workers (a copy: any split gives the same result).
    /// Measured on the 2-core development VM with random rows of 50 from a 40 MB source, best of six interleaved runs
    /// (session 13, with rows prefetched <see cref="PrefetchRows"/> ahead): 1000 rows (50 000 elements) took 31-37 µs on
    /// one worker and 25-27 µs on two, 2000 rows 65-80 µs against 48-50 µs, 500 rows 17-20 µs against 15 µs. (An earlier
    /// measurement, with the splits run by Parallel.For and 6 rows prefetched, had found two workers slower at 1000 rows
    /// and set this at 65 536.)
    /// </summary>
    private const int ParallelGather = 1 << 14;

    /// <summary>Rows per worker chunk of a large gather.</summary>
    private const int GatherChunkRows = 256;

    /// <summary>y[o, k, :] = x[o, indices[k], :]: whole rows copied when the picked slices are contiguous.</summary>
    private static void Gather(double[] x, int[] indices, int outer, int n, int inner, double[] y)
    {
        int m = indices.Length;
        if (outer == 1 && inner > 1 && (long)m * inner >= ParallelGather && TensorParallelism.MaxDegreeOfParallelism > 1)
        {
            TensorParallelism.For(TensorParallelism.ChunkCount(m, GatherChunkRows), chunk =>
            {
                int start = chunk * GatherChunkRows;
                GatherRows(x, indices, start, Math.Min(m, start + GatherChunkRows), inner, y);
            });
            return;
        }

        if (inner == 1 && m == 1)
        {
            // One entry of each row (a component's column of a [n, K] matrix, a concatenation's gradient split back):
            // a strided copy, without the per-row loop set-up.
            GatherColumn(x, n, indices[0], outer, y);
            return;
        }

        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                int src = o * n, dst = o * m;
                for (int k = 0; k < m; k++)
                {
                    y[dst + k] = x[src + indices[k]];
                }

                continue;
            }

            if (o == 0 && outer == 1)
            {
                GatherRows(x, indices, 0, m, inner, y);
                continue;
            }

            for (int k = 0; k < m; k++)
            {
                Array.Copy(x, ((o * n) + indices[k]) * inner, y, ((o * m) + k) * inner, inner);
            }
        }
    }

    /// <summary>y[o] = x[o·<paramref name="n"/> + <paramref name="index"/>] for o &lt; <paramref name="outer"/>.</summary>
    private static void GatherColumn(double[] x, int n, int index, int outer, double[] y)
    {
        if (outer == 0)
        {
            return;
        }

        var source = x.AsSpan(index, ((outer - 1) * n) + 1);
        var target = y.AsSpan(0, outer);
        for (int o = 0; o < target.Length; o++)
        {
            target[o] = source[o * n];
        }
    }

    /// <summary>
    /// How many rows ahead a gather asks the cache for (rows picked at random miss the cache; asking early overlaps the
    /// misses). 12 against 6 took a 1000-row gather from 37 to 31 µs on one worker and 27 to 25 µs on two (above).
    /// </summary>
    private const int PrefetchRows = 12;

    /// <summary>Rows <paramref name="start"/> .. <paramref name="end"/> - 1 of y[k, :] = x[indices[k], :], prefetching rows ahead.</summary>
    private static unsafe void GatherRows(double[] x, int[] indices, int start, int end, int inner, double[] y)
    {
        fixed (double* px = x)
        {
            for (int k = start; k < end; k++)
            {
                if (System.Runtime.Intrinsics.X86.Sse.IsSupported && k + PrefetchRows < end)
                {
                    byte* ahead = (byte*)(px + ((long)indices[k + PrefetchRows] * inner));
                    for (int line = 0; line < inner * sizeof(double); line += 64)
                    {
                        System.Runtime.Intrinsics.X86.Sse.Prefetch0(ahead + line);
                    }
                }

                Array.Copy(x, (long)indices[k] * inner, y, (long)k * inner, inner);
            }
        }
    }

    /// <summary>target[o, indices[k], :] += g[o, k, :], in index order (repeated indices add up in a fixed order).</summary>
    private static void Scatter(double[] g, int[] indices, int outer, int n, int inner, double[] target)
    {
        int m = indices.Length;
        for (int o = 0; o < outer; o++)
        {
            for (int k = 0; k < m; k++)
            {
                if (inner == 1)
                {
                    target[(o * n) + indices[k]] += g[(o * m) + k];
                    continue;
                }

                var src = g.AsSpan(((o * m) + k) * inner, inner);
                var dst = target.AsSpan(((o * n) + indices[k]) * inner, inner);
                System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
            }
        }
    }

    /// <summary>Joins tensors along an existing axis; all other dimensions must match.</summary>
    public static Tensor Concat(int axis, params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0)
        {
            throw new ArgumentException("Concat needs at least one tensor.", nameof(tensors));
        }

        var first = tensors[0];
        int ax = Shapes.Axis(axis, first.Rank);
        int total = 0;
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (t.Rank != first.Rank)
            {
                throw new ArgumentException($"Concat needs tensors of one rank, got shapes {Shapes.Format(first.ShapeArray)} and {Shapes.Format(t.ShapeArray)}.", nameof(tensors));
            }

            for (int d = 0; d < t.Rank; d++)
            {
                if (d != ax && t.ShapeArray[d] != first.ShapeArray[d])
                {
                    throw new ArgumentException($"Concat along axis {axis}: shapes {Shapes.Format(first.ShapeArray)} and {Shapes.Format(t.ShapeArray)} differ elsewhere.", nameof(tensors));
                }
            }

            total += t.ShapeArray[ax];
        }

        int[] shape = (int[])first.ShapeArray.Clone();
        shape[ax] = total;
        var (outer, _, inner) = Shapes.AroundAxis(shape, ax);
        var y = TensorPool.Rent(Shapes.Size(shape)); // every element is written below: the pieces' lengths add up to total
        int offset = 0;
        foreach (var t in tensors)
        {
            int len = t.ShapeArray[ax];
            CopyPiece(t.Data, outer, len * inner, total * inner, offset * inner, y);
            offset += len;
        }

        var result = new Tensor(y, shape);
        if (!tensors.Any(Tensor.Tracks))
        {
            return result;
        }

        return Tensor.Record(result, tensors, g =>
        {
            var grads = new Tensor?[tensors.Length];
            int start = 0;
            for (int i = 0; i < tensors.Length; i++)
            {
                int len = tensors[i].ShapeArray[ax];
                grads[i] = g.Narrow(ax, start, len);
                start += len;
            }

            return grads;
        });
    }

    /// <summary>
    /// Copies <paramref name="outer"/> runs of <paramref name="run"/> values from <paramref name="source"/> (back to back)
    /// into <paramref name="y"/> at <paramref name="offset"/> + o·<paramref name="stride"/>: a span copy per run when runs
    /// are long, else an element loop (stacking columns made runs of one value, and a copy call per value cost more than
    /// the value).
    /// </summary>
    private static void CopyPiece(double[] source, int outer, int run, int stride, int offset, double[] y)
    {
        if (run >= 16)
        {
            for (int o = 0; o < outer; o++)
            {
                source.AsSpan(o * run, run).CopyTo(y.AsSpan((o * stride) + offset, run));
            }

            return;
        }

        for (int o = 0; o < outer; o++)
        {
            int from = o * run, to = (o * stride) + offset;
            for (int j = 0; j < run; j++)
            {
                y[to + j] = source[from + j];
            }
        }
    }

    /// <summary>Stacks tensors of one shape along a new axis.</summary>
    public static Tensor Stack(int axis, params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return Concat(axis, [.. tensors.Select(t => t.Unsqueeze(axis))]);
    }

    /// <summary>x's storage under a checked shape of the same size that the caller owns (no copy, no validation).</summary>
    private static Tensor View(Tensor x, int[] shape)
    {
        var result = new Tensor(x.Data, shape);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g => [new Tensor(g.Data, x.ShapeArray)], GradNode.PassesOn, null);
    }

    /// <summary>The values of a batch of matrices (the last two axes) laid out transposed, in a pooled array; the new shape out.</summary>
    internal static double[] TransposeData(double[] data, int[] shape, out int[] newShape)
    {
        int rank = shape.Length;
        int rows = shape[rank - 2], cols = shape[rank - 1];
        int batch = data.Length / Math.Max(rows * cols, 1);
        var y = TensorPool.Rent(data.Length); // every element is written below

        // Bands of 32 source rows, each writing its own 32 columns of the result: across the workers when large.
        int bands = (rows + TransposeTile - 1) / TransposeTile;
        if (data.Length >= ElementwiseSplit.Threshold && batch * bands > 1)
        {
            TensorParallelism.For(batch * bands, t => TransposeBand(data, y, t / bands * rows * cols, rows, cols, t % bands * TransposeTile));
        }
        else
        {
            for (int t = 0; t < batch * bands; t++)
            {
                TransposeBand(data, y, t / bands * rows * cols, rows, cols, t % bands * TransposeTile);
            }
        }

        newShape = (int[])shape.Clone();
        newShape[rank - 2] = cols;
        newShape[rank - 1] = rows;
        return y;
    }

    /// <summary>Rows and columns per tile of <see cref="TransposeData"/>: a tile read and the tile written stay in cache.</summary>
    private const int TransposeTile = 32;

    /// <summary>
    /// Transposes source rows i0 .. i0 + 31 of the matrix at <paramref name="offset"/> into columns of the result,
    /// tile by tile: 4 x 4 blocks in registers where the machine has AVX, the ragged edges one value at a time.
    /// </summary>
    private static unsafe void TransposeBand(double[] data, double[] y, int offset, int rows, int cols, int i0)
    {
        int i1 = Math.Min(i0 + TransposeTile, rows);
        fixed (double* source = &data[offset], target = &y[offset])
        {
            for (int j0 = 0; j0 < cols; j0 += TransposeTile)
            {
                int j1 = Math.Min(j0 + TransposeTile, cols);
                int i = i0;
                if (System.Runtime.Intrinsics.X86.Avx.IsSupported)
                {
                    for (; i + 4 <= i1; i += 4)
                    {
                        double* r = source + ((long)i * cols);
                        int j = j0;
                        for (; j + 4 <= j1; j += 4)
                        {
                            Gemm.Transpose4(r + j, r + cols + j, r + (2 * cols) + j, r + (3 * cols) + j, target + ((long)j * rows) + i, rows);
                        }

                        for (; j < j1; j++)
                        {
                            for (int q = 0; q < 4; q++)
                            {
                                target[((long)j * rows) + i + q] = r[((long)q * cols) + j];
                            }
                        }
                    }
                }

                for (; i < i1; i++)
                {
                    for (int j = j0; j < j1; j++)
                    {
                        target[((long)j * rows) + i] = source[((long)i * cols) + j];
                    }
                }
            }
        }
    }
}
