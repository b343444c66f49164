using System.Numerics.Tensors;

namespace KlDivergence.Tensors;

/// <summary>The dense (fully connected) layer of a neural network, y = x W + b, differentiable in x, W and b.</summary>
public static class DenseOps
{
    /// <summary>
    /// y = x W + b for inputs x [n, in], weights W [in, out] and bias b [out]; the result is [n, out]. One fused op:
    /// each output row starts from b and adds x[i, k]·W[k, :] row by row, and the backward pass gives
    /// ∂/∂x = g Wᵀ, ∂/∂W = xᵀ g and ∂/∂b = Σᵢ g[i, :] without broadcast intermediates.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit together; the message names them.</exception>
    public static Tensor Dense(this Tensor x, Tensor weight, Tensor bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (x.Rank != 2 || weight.Rank != 2 || bias.Rank != 1 || x.ShapeArray[1] != weight.ShapeArray[0] || bias.ShapeArray[0] != weight.ShapeArray[1])
        {
            throw new ArgumentException(
                $"Dense needs x [n, in], weight [in, out] and bias [out]; got x {Shapes.Format(x.ShapeArray)}, weight {Shapes.Format(weight.ShapeArray)}, bias {Shapes.Format(bias.ShapeArray)}.",
                nameof(x));
        }

        int n = x.ShapeArray[0], inputs = x.ShapeArray[1], outputs = weight.ShapeArray[1];
        double[] xd = x.Data, wd = weight.Data, bd = bias.Data;
        var y = TensorPool.Rent(n * outputs);
        for (int i = 0; i < n; i++)
        {
            var row = y.AsSpan(i * outputs, outputs);
            bd.CopyTo(row);
            for (int k = 0; k < inputs; k++)
            {
                TensorPrimitives.MultiplyAdd(wd.AsSpan(k * outputs, outputs), xd[(i * inputs) + k], row, row);
            }
        }

        var result = new Tensor(y, [n, outputs]);
        if (!Tensor.Tracks(x) && !Tensor.Tracks(weight) && !Tensor.Tracks(bias))
        {
            return result;
        }

        return Tensor.Record(result, [x, weight, bias], g =>
        {
            double[] gd = g.Data;
            double[]? gx = x.RequiresGrad ? TensorPool.RentZeroed(n * inputs) : null;
            double[]? gw = weight.RequiresGrad ? TensorPool.RentZeroed(inputs * outputs) : null;
            double[]? gb = bias.RequiresGrad ? TensorPool.RentZeroed(outputs) : null;
            for (int i = 0; i < n; i++)
            {
                var gRow = gd.AsSpan(i * outputs, outputs);
                if (gb is not null)
                {
                    TensorPrimitives.Add(gb, gRow, gb);
                }

                for (int k = 0; k < inputs; k++)
                {
                    var wRow = wd.AsSpan(k * outputs, outputs);
                    if (gx is not null)
                    {
                        gx[(i * inputs) + k] = TensorPrimitives.Dot(gRow, wRow);
                    }

                    if (gw is not null)
                    {
                        var gwRow = gw.AsSpan(k * outputs, outputs);
                        TensorPrimitives.MultiplyAdd(gRow, xd[(i * inputs) + k], gwRow, gwRow);
                    }
                }
            }

            return [
                gx is null ? null : new Tensor(gx, x.ShapeArray),
                gw is null ? null : new Tensor(gw, weight.ShapeArray),
                gb is null ? null : new Tensor(gb, bias.ShapeArray)];
        });
    }
}
