using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// Evaluates a closed form written once over <see cref="IRealArithmetic{TSelf}"/>: over tensors when a parameter
/// needs gradients, else as one fused loop over the broadcast batch with <see cref="Real"/> (no intermediate
/// tensors, no allocation but the result), which is what makes single calls and large batches fast.
/// </summary>
internal static class ClosedFormEvaluator
{
    public static Tensor Evaluate(
        Tensor a, Tensor b, Func<Real, Real, Real> scalar, Func<Tensor, Tensor, Tensor> tensor)
    {
        if (NeedsGraph(a) || NeedsGraph(b))
        {
            return tensor(a, b);
        }

        int[] shape = Shapes.Broadcast(a.ShapeArray, b.ShapeArray);
        int n = Shapes.Size(shape);
        double[] av = Full(a, shape, n), bv = Full(b, shape, n);
        var y = GC.AllocateUninitializedArray<double>(n);
        int sa = av.Length == 1 ? 0 : 1, sb = bv.Length == 1 ? 0 : 1;
        for (int i = 0; i < n; i++)
        {
            y[i] = scalar(av[i * sa], bv[i * sb]);
        }

        return new Tensor(y, shape);
    }

    public static Tensor Evaluate(
        Tensor a, Tensor b, Tensor c, Tensor d, Func<Real, Real, Real, Real, Real> scalar, Func<Tensor, Tensor, Tensor, Tensor, Tensor> tensor)
    {
        if (NeedsGraph(a) || NeedsGraph(b) || NeedsGraph(c) || NeedsGraph(d))
        {
            return tensor(a, b, c, d);
        }

        int[] shape = Shapes.Broadcast(Shapes.Broadcast(a.ShapeArray, b.ShapeArray), Shapes.Broadcast(c.ShapeArray, d.ShapeArray));
        int n = Shapes.Size(shape);
        double[] av = Full(a, shape, n), bv = Full(b, shape, n), cv = Full(c, shape, n), dv = Full(d, shape, n);
        var y = GC.AllocateUninitializedArray<double>(n);
        int sa = av.Length == 1 ? 0 : 1, sb = bv.Length == 1 ? 0 : 1, sc = cv.Length == 1 ? 0 : 1, sd = dv.Length == 1 ? 0 : 1;
        for (int i = 0; i < n; i++)
        {
            y[i] = scalar(av[i * sa], bv[i * sb], cv[i * sc], dv[i * sd]);
        }

        return new Tensor(y, shape);
    }

    private static bool NeedsGraph(Tensor t) => t.RequiresGrad && Tensor.IsGradEnabled;

    /// <summary>The values with the full broadcast shape, or the single value when there is one.</summary>
    private static double[] Full(Tensor t, int[] shape, int n) => t.Length == 1 || t.Length == n && Shapes.Equal(t.ShapeArray, shape) ? t.Data : Shapes.BroadcastData(t.Data, t.ShapeArray, shape);
}
