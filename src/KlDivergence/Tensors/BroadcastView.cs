using System.Runtime.CompilerServices;

namespace KlDivergence.Tensors;

/// <summary>
/// Reads an operand as if broadcast to an output shape without copying in the common cases: the same
/// shape (index i), a single value (index 0), a tile of the output's trailing dimensions (i mod n), or
/// a value repeated along the trailing dimensions (i div r). Other patterns are materialised once.
/// </summary>
internal readonly struct BroadcastView
{
    private readonly double[] data;
    private readonly int modulus;
    private readonly int divisor;

    public BroadcastView(Tensor t, int[] outShape)
    {
        int n = Shapes.Size(outShape);
        modulus = int.MaxValue;
        divisor = 1;
        data = t.Data;
        if (t.Length == n || t.Length == 1)
        {
            modulus = t.Length == 1 ? 1 : int.MaxValue;
            return;
        }

        // Tile: the operand's shape (without leading 1s) equals the output's trailing dimensions.
        var s = t.ShapeArray.SkipWhile(d => d == 1).ToArray();
        if (s.Length <= outShape.Length && s.AsSpan().SequenceEqual(outShape.AsSpan(outShape.Length - s.Length)))
        {
            modulus = t.Length;
            return;
        }

        // Repeat: the operand is [..., 1, ..., 1] where the output's leading dimensions match and the rest are 1.
        int rank = outShape.Length, offset = rank - t.Rank, lead = 0;
        while (lead < t.Rank && t.ShapeArray[lead] == outShape[offset + lead])
        {
            lead++;
        }

        bool trailingOnes = true;
        for (int i = lead; i < t.Rank; i++)
        {
            trailingOnes &= t.ShapeArray[i] == 1;
        }

        if (offset == 0 && trailingOnes)
        {
            divisor = n / t.Length;
            return;
        }

        data = Shapes.BroadcastData(t.Data, t.ShapeArray, outShape);
    }

    public double this[int i]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => data[modulus == int.MaxValue ? i / divisor : i % modulus];
    }
}
