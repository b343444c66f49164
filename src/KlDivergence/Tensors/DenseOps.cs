using System.Buffers;

namespace KlDivergence.Tensors;

/// <summary>The dense (fully connected) layer of a neural network, y = x W + b, differentiable in x, W and b.</summary>
public static class DenseOps
{
    /// <summary>
    /// y = x W + b for inputs x [n, in], weights W [in, out] and bias b [out]; the result is [n, out]. One fused op:
    /// each output row starts from b and the product x W is added by the blocked matrix kernel; the backward pass
    /// gives ∂/∂x = g Wᵀ, ∂/∂W = xᵀ g (the kernel reads the transposed operands in place, nothing is copied
    /// transposed) and ∂/∂b = Σᵢ g[i, :].
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit together; the message names them.</exception>
    public static Tensor Dense(this Tensor x, Tensor weight, Tensor bias) => Dense(x, weight, bias, null);

    /// <summary>
    /// a(x W + b) with the element-wise <paramref name="activation"/> applied inside the same op (null for none), so a
    /// hidden layer is one graph node: the backward pass first takes the activation's derivative rule from its
    /// <see cref="UnaryOp"/> (the one source of that rule), then the dense layer's products.
    /// </summary>
    internal static Tensor Dense(this Tensor x, Tensor weight, Tensor bias, UnaryOp? activation)
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

        // z = b broadcast over the rows, then z += x W.
        var z = TensorPool.Rent(n * outputs);
        for (int i = 0; i < n; i++)
        {
            bd.CopyTo(z.AsSpan(i * outputs, outputs));
        }

        Gemm.Multiply(xd, inputs, false, wd, outputs, false, z, outputs, n, outputs, inputs, accumulate: true);
        double[] y = z;
        if (activation is not null && ReadsOnlyItsOutput(activation))
        {
            // The derivative rule needs y alone, so y overwrites z (one array per layer instead of two).
            activation.Forward(z, z);
        }
        else if (activation is not null)
        {
            y = TensorPool.Rent(n * outputs);
            activation.Forward(z, y);
        }

        var result = new Tensor(y, [n, outputs]);
        if (!Tensor.Tracks(x) && !Tensor.Tracks(weight) && !Tensor.Tracks(bias))
        {
            return result;
        }

        return Tensor.Record(result, [x, weight, bias], g =>
        {
            // The gradient at the pre-activation z (g itself when there is no activation).
            // The gradient at the pre-activation z (g itself when there is no activation), in a scratch array that
            // never leaves this closure, so it goes straight back to the shared pool (cache-warm for the next layer).
            double[] gz = g.Data;
            double[]? scratch = null;
            if (activation is not null)
            {
                gz = scratch = ArrayPool<double>.Shared.Rent(n * outputs);
                activation.Derivative(z, y, g.Data, gz.AsSpan(0, n * outputs));
            }

            double[]? gx = null, gw = null, gb = null;
            if (x.RequiresGrad)
            {
                // gx [n, in] = gz [n, out] Wᵀ
                gx = GradientPass.Rent(n * inputs);
                Gemm.Multiply(gz, outputs, false, wd, outputs, true, gx, inputs, n, inputs, outputs);
            }

            if (weight.RequiresGrad)
            {
                // gW [in, out] = xᵀ [in, n] gz [n, out]
                gw = GradientPass.Rent(inputs * outputs);
                Gemm.Multiply(xd, inputs, true, gz, outputs, false, gw, outputs, inputs, outputs, n);
            }

            if (bias.RequiresGrad)
            {
                gb = GradientPass.RentZeroed(outputs);
                ColumnSums(gz, n, outputs, gb);
            }

            if (scratch is not null)
            {
                ArrayPool<double>.Shared.Return(scratch);
            }

            return [
                gx is null ? null : new Tensor(gx, x.ShapeArray),
                gw is null ? null : new Tensor(gw, weight.ShapeArray),
                gb is null ? null : new Tensor(gb, bias.ShapeArray)];
        });
    }

    /// <summary>
    /// True for the activations whose derivative rule in <see cref="ElementwiseRules"/> is written in the output y
    /// alone (tanh' = 1 - y², σ' = y(1 - y)), so the input z need not be kept.
    /// </summary>
    private static bool ReadsOnlyItsOutput(UnaryOp activation) =>
        ReferenceEquals(activation, ElementwiseRules.Tanh) || ReferenceEquals(activation, ElementwiseRules.Sigmoid);

    /// <summary>sums[j] += Σᵢ values[i, j] over the rows of a row-major [rows, columns] matrix, row by row.</summary>
    private static void ColumnSums(double[] values, int rows, int columns, double[] sums)
    {
        for (int i = 0; i < rows; i++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(sums, values.AsSpan(i * columns, columns), sums);
        }
    }
}
