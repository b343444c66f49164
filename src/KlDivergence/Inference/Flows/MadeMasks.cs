using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// The weight masks of MADE (Germain, Gregor, Murray &amp; Larochelle 2015) for d inputs and 2d outputs (a shift and a
/// log-scale per coordinate): input i has degree i + 1, hidden unit k degree (k mod max(1, d - 1)) + 1, and output
/// column c degree (c mod d) + 1. A hidden unit sees the inputs of degree ≤ its own and the hidden units below of
/// degree ≤ its own; an output sees only hidden units of strictly smaller degree, so output i depends on x_{&lt;i} alone.
/// </summary>
internal static class MadeMasks
{
    public static Tensor[] Create(int dimension, IReadOnlyList<int> hidden)
    {
        int[] previous = [.. Enumerable.Range(1, dimension)];
        var masks = new List<Tensor>();
        int maxDegree = Math.Max(1, dimension - 1);
        foreach (int width in hidden)
        {
            int[] degrees = [.. Enumerable.Range(0, width).Select(k => (k % maxDegree) + 1)];
            masks.Add(Mask(previous, degrees, strict: false));
            previous = degrees;
        }

        int[] outputs = [.. Enumerable.Range(0, 2 * dimension).Select(c => (c % dimension) + 1)];
        masks.Add(Mask(previous, outputs, strict: true));
        return [.. masks];
    }

    private static Tensor Mask(int[] from, int[] to, bool strict)
    {
        var m = new double[from.Length * to.Length];
        for (int i = 0; i < from.Length; i++)
        {
            for (int j = 0; j < to.Length; j++)
            {
                m[(i * to.Length) + j] = (strict ? to[j] > from[i] : to[j] >= from[i]) ? 1 : 0;
            }
        }

        return Tensor.FromArray(m, [from.Length, to.Length]);
    }
}
