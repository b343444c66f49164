namespace KlDivergence.Tensors;

/// <summary>The dense (fully connected) layer of a neural network, y = x W + b, differentiable in x, W and b.</summary>
public static class DenseOps
{
    /// <summary>y = x W + b for inputs x [n, in], weights W [in, out] and bias b [out]; the result is [n, out].</summary>
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

        return x.MatMul(weight) + bias;
    }
}
