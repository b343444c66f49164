using System.Buffers;

namespace KlDivergence.Tensors;

/// <summary>
/// An output gradient that is one value at every element, as a sum hands back to what it summed (so the gradient of
/// every loss that ends in a sum or a mean), given to an element-wise backward rule without writing it out in full:
/// the rule runs over blocks of <see cref="ElementwiseSplit.BlockSize"/> elements, each reading the same short array
/// of that value, which stays in cache. Writing the value out over a large tensor and reading it back cost a
/// quarter of a ReLU's forward and backward pass over 10⁵ elements on the development machine.
/// </summary>
internal static class UniformGradient
{
    /// <summary>Elements per block: the element-wise split's blocks, so a split runs the same blocks either way.</summary>
    public const int BlockLength = ElementwiseSplit.BlockSize;

    /// <summary>
    /// Runs <paramref name="body"/>(start, length, g) over blocks covering 0 .. <paramref name="length"/> - 1, on the
    /// cores from <paramref name="threshold"/> elements (as <see cref="ElementwiseSplit.RunFrom"/> does), where the first
    /// length elements of g (at most <see cref="BlockLength"/>) all hold <paramref name="value"/>. Every element is
    /// computed by the same kernel as from the written-out array, so the results are the same bits.
    /// </summary>
    public static void Run(int length, double value, int threshold, Action<int, int, double[]> body) =>
        WithBlock(Math.Min(length, BlockLength), value, g =>
        {
            if (length >= threshold)
            {
                ElementwiseSplit.Run(length, (s, m) => body(s, m, g));
                return true;
            }

            for (int s = 0; s < length; s += BlockLength)
            {
                body(s, Math.Min(BlockLength, length - s), g);
            }

            return true;
        });

    /// <summary>
    /// <paramref name="body"/>'s result given a pooled array whose first <paramref name="length"/> elements all hold
    /// <paramref name="value"/> (the one block every block of a rule reads); the array goes back to the pool after.
    /// </summary>
    public static T WithBlock<T>(int length, double value, Func<double[], T> body)
    {
        var g = ArrayPool<double>.Shared.Rent(length);
        try
        {
            g.AsSpan(0, length).Fill(value);
            return body(g);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(g);
        }
    }

    /// <summary>The value written out: a gradient array of <paramref name="like"/>'s shape holding <paramref name="value"/> everywhere.</summary>
    public static Tensor Spread(Tensor like, double value)
    {
        var data = GradientPass.Rent(like.Length);
        SumKernel.Fill(data, value);
        return new Tensor(data, like.ShapeArray);
    }
}
