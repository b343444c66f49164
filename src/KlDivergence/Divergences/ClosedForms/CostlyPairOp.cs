using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// An element-wise function of two broadcast tensors whose kernels cost tens of nanoseconds or more per pair (the
/// Gamma-family E(a, b), Poisson's relative entropy), recorded as one op with its two partial derivatives. Value and
/// partials run over spans in blocks of <see cref="ElementwiseSplit.CostlyBlockSize"/> pairs on all cores; the kernels
/// compute each element on its own, so the bits do not depend on the number of workers.
/// </summary>
internal static class CostlyPairOp
{
    /// <summary>A kernel over spans: writes f(a[i], b[i]) to y[i].</summary>
    public delegate void SpanKernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y);

    /// <summary>
    /// f(a, b) by <paramref name="value"/>, differentiable: the incoming gradient times ∂f/∂a
    /// (<paramref name="partialA"/>) or ∂f/∂b (<paramref name="partialB"/>), summed to each input's shape, each only for
    /// an input that needs it (ψ(b) - ψ(a) for a prior's fixed concentration would cost as much as E itself).
    /// </summary>
    public static Tensor Record(Tensor a, Tensor b, SpanKernel value, SpanKernel partialA, SpanKernel partialB)
    {
        int[] shape = Shapes.Broadcast(a.ShapeArray, b.ShapeArray);
        double[] av = Expand(a, shape), bv = Expand(b, shape);
        var y = new double[av.Length];
        ElementwiseSplit.RunCostly(y.Length, (start, count) => value(av.AsSpan(start, count), bv.AsSpan(start, count), y.AsSpan(start, count)));
        return Tensor.Record(new Tensor(y, shape), [a, b], g =>
            [a.RequiresGrad ? Partial(partialA, av, bv, g, shape, a.ShapeArray) : null, b.RequiresGrad ? Partial(partialB, av, bv, g, shape, b.ShapeArray) : null]);
    }

    /// <summary>g times one partial derivative element by element, summed to the input's shape.</summary>
    private static Tensor Partial(SpanKernel partial, double[] av, double[] bv, Tensor g, int[] shape, int[] inputShape)
    {
        var gradient = new double[av.Length];
        double[] incoming = g.Data;
        ElementwiseSplit.RunCostly(gradient.Length, (start, count) =>
        {
            var block = gradient.AsSpan(start, count);
            partial(av.AsSpan(start, count), bv.AsSpan(start, count), block);
            System.Numerics.Tensors.TensorPrimitives.Multiply(incoming.AsSpan(start, count), block, block);
        });

        return TensorOps.SumTo(new Tensor(gradient, shape), inputShape);
    }

    private static double[] Expand(Tensor t, int[] shape) =>
        Shapes.Equal(t.ShapeArray, shape) ? t.Data : Shapes.BroadcastData(t.Data, t.ShapeArray, shape);
}
