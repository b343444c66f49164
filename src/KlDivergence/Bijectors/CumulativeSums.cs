using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// Differentiable cumulative sums along the last axis, as a product with a constant 0/1 triangular matrix
/// (O(K²) per row, fine for the event lengths of constrained vectors and matrices).
/// </summary>
internal static class CumulativeSums
{
    /// <summary>
    /// out[..., k] = Σ x[..., j] over j ≤ k (<paramref name="reverse"/> false) or j ≥ k (true), with the equality left out
    /// when <paramref name="exclusive"/>.
    /// </summary>
    public static Tensor AlongLastAxis(Tensor x, bool exclusive, bool reverse)
    {
        int k = x.ShapeArray[^1];
        var m = new double[k * k];
        for (int j = 0; j < k; j++)
        {
            for (int c = 0; c < k; c++)
            {
                bool take = reverse ? (exclusive ? j > c : j >= c) : (exclusive ? j < c : j <= c);
                m[(j * k) + c] = take ? 1.0 : 0.0;
            }
        }

        int axis = x.Rank - 1;
        return x.Unsqueeze(axis).MatMul(new Tensor(m, [k, k])).Squeeze(axis);
    }
}
