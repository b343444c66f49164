using System.Numerics.Tensors;

namespace KlDivergence.Tensors;

/// <summary>
/// Differentiable activation functions for small neural networks (the conditioners of normalizing flows) that
/// the element-wise op table does not already hold; tanh, sigmoid and softplus are in <see cref="TensorOps"/>.
/// </summary>
public static class ActivationOps
{
    /// <summary>max(x, 0) element-wise; the gradient is 1 where x &gt; 0 and 0 elsewhere (0 at x = 0, as PyTorch).</summary>
    public static Tensor Relu(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = TensorPool.Rent(x.Length);
        TensorPrimitives.Max(x.Data, 0.0, y);
        var result = new Tensor(y, x.ShapeArray);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g =>
        {
            var gx = TensorPool.RentZeroed(x.Length);
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = x.Data[i] > 0 ? g.Data[i] : 0;
            }

            return [new Tensor(gx, x.ShapeArray)];
        });
    }

    /// <summary>
    /// The exponential linear unit (Clevert, Unterthiner &amp; Hochreiter 2016): x for x &gt; 0, eˣ - 1 otherwise
    /// (computed as expm1, exact near 0); its derivative is 1 for x &gt; 0 and eˣ = y + 1 otherwise.
    /// </summary>
    public static Tensor Elu(this Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = TensorPool.Rent(x.Length);
        for (int i = 0; i < y.Length; i++)
        {
            double v = x.Data[i];
            y[i] = v > 0 ? v : ScalarMath.Expm1(v);
        }

        var result = new Tensor(y, x.ShapeArray);
        if (!Tensor.Tracks(x))
        {
            return result;
        }

        return Tensor.Record(result, [x], g =>
        {
            var gx = TensorPool.RentZeroed(x.Length);
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = x.Data[i] > 0 ? g.Data[i] : g.Data[i] * (y[i] + 1);
            }

            return [new Tensor(gx, x.ShapeArray)];
        });
    }
}
