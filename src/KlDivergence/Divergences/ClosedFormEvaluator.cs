using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// Evaluates a closed form written once over <see cref="IRealArithmetic{TSelf}"/>: over tensors when a parameter
/// needs gradients, else as one fused loop over the broadcast batch with <see cref="Real"/> (no intermediate
/// tensors, no allocation but the result), which is what makes single calls and large batches fast.
/// </summary>
internal static class ClosedFormEvaluator
{
    /// <summary>A vectorised kernel over four full-length parameter spans, writing one value per element.</summary>
    public delegate void SpanKernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, ReadOnlySpan<double> d, Span<double> result);

    /// <summary>
    /// The closed form over the broadcast batch: the tensor formula when a gradient is needed; otherwise
    /// <paramref name="vectorised"/> when given and no parameter is broadcast, else the fused scalar loop (or the
    /// tensor formula chunk by chunk for large batches).
    /// </summary>
    public static Tensor Evaluate(
        Tensor a, Tensor b, Tensor c, Tensor d, Func<Real, Real, Real, Real, Real> scalar, Func<Tensor, Tensor, Tensor, Tensor, Tensor> tensor, SpanKernel? vectorised = null)
    {
        if (NeedsGraph(a) || NeedsGraph(b) || NeedsGraph(c) || NeedsGraph(d))
        {
            return tensor(a, b, c, d);
        }

        int[] shape = Shapes.Broadcast(Shapes.Broadcast(a.ShapeArray, b.ShapeArray), Shapes.Broadcast(c.ShapeArray, d.ShapeArray));
        int n = Shapes.Size(shape);
        double[] av = Full(a, shape, n), bv = Full(b, shape, n), cv = Full(c, shape, n), dv = Full(d, shape, n);
        var y = GC.AllocateUninitializedArray<double>(n);
        if (vectorised is not null && av.Length == n && bv.Length == n && cv.Length == n && dv.Length == n)
        {
            vectorised(av, bv, cv, dv, y);
            return new Tensor(y, shape);
        }

        if (n >= 2 * ChunkSize)
        {
            // Large batches: the tensor formula (vectorised kernels) over cache-sized chunks.
            using var scope = Tensor.NoGrad();
            for (int start = 0; start < n; start += ChunkSize)
            {
                int len = Math.Min(ChunkSize, n - start);
                var r = tensor(Chunk(av, start, len), Chunk(bv, start, len), Chunk(cv, start, len), Chunk(dv, start, len));
                r.Values.CopyTo(y.AsSpan(start, len));
            }

            return new Tensor(y, shape);
        }

        int sa = av.Length == 1 ? 0 : 1, sb = bv.Length == 1 ? 0 : 1, sc = cv.Length == 1 ? 0 : 1, sd = dv.Length == 1 ? 0 : 1;
        for (int i = 0; i < n; i++)
        {
            y[i] = scalar(av[i * sa], bv[i * sb], cv[i * sc], dv[i * sd]);
        }

        return new Tensor(y, shape);
    }

    /// <summary>Elements per chunk of a large batch: four inputs and the temporaries stay in the L2 cache.</summary>
    private const int ChunkSize = 2048;

    /// <summary>A chunk of a broadcast input (a single value stays a single value).</summary>
    private static Tensor Chunk(double[] values, int start, int length) =>
        values.Length == 1 ? new Tensor(values, []) : new Tensor(values.AsSpan(start, length).ToArray(), [length]);

    private static bool NeedsGraph(Tensor t) => t.RequiresGrad && Tensor.IsGradEnabled;

    /// <summary>The values with the full broadcast shape, or the single value when there is one.</summary>
    private static double[] Full(Tensor t, int[] shape, int n) => t.Length == 1 || t.Length == n && Shapes.Equal(t.ShapeArray, shape) ? t.Data : Shapes.BroadcastData(t.Data, t.ShapeArray, shape);
}
