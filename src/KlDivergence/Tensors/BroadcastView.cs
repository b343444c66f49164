namespace KlDivergence.Tensors;

/// <summary>
/// Reads an operand as if broadcast to an output shape, row by row over the output's last dimension, without
/// copying in the common cases: the same shape, a single value, a tile of the output's trailing dimensions,
/// or one value per row (trailing dimensions of length 1). Other patterns are materialised once. The
/// division that maps a row to the operand happens once per row, never per element.
/// </summary>
internal readonly struct BroadcastView
{
    private readonly int rowsPerBlock;
    private readonly int blockStride;
    private readonly int blockCount;

    public BroadcastView(Tensor t, int[] outShape)
    {
        int n = Shapes.Size(outShape);
        int m = outShape.Length == 0 ? 1 : Math.Max(outShape[^1], 1);
        Data = t.Data;
        if (t.Length == n)
        {
            (ColumnStride, rowsPerBlock, blockStride, blockCount) = (1, 1, m, int.MaxValue);
            return;
        }

        if (t.Length == 1)
        {
            (ColumnStride, rowsPerBlock, blockStride, blockCount) = (0, 1, 0, 1);
            return;
        }

        // A tile: the operand (without leading 1s) is the output's trailing dimensions.
        var s = t.ShapeArray.AsSpan();
        while (s.Length > 0 && s[0] == 1)
        {
            s = s[1..];
        }

        if (s.Length <= outShape.Length && s.SequenceEqual(outShape.AsSpan(outShape.Length - s.Length)) && t.Length % m == 0)
        {
            (ColumnStride, rowsPerBlock, blockStride, blockCount) = (1, 1, m, t.Length / m);
            return;
        }

        // One value per group of rows: leading dimensions match, trailing ones are 1.
        int offset = outShape.Length - t.Rank, lead = 0;
        while (lead < t.Rank && t.ShapeArray[lead] == outShape[offset + lead])
        {
            lead++;
        }

        bool trailingOnes = true;
        for (int i = lead; i < t.Rank; i++)
        {
            trailingOnes &= t.ShapeArray[i] == 1;
        }

        int repeat = n / t.Length;
        if (offset == 0 && trailingOnes && repeat % m == 0)
        {
            (ColumnStride, rowsPerBlock, blockStride, blockCount) = (0, repeat / m, 1, int.MaxValue);
            return;
        }

        Data = Shapes.BroadcastData(t.Data, t.ShapeArray, outShape);
        (ColumnStride, rowsPerBlock, blockStride, blockCount) = (1, 1, m, int.MaxValue);
    }

    /// <summary>The operand's values (or their broadcast copy).</summary>
    public double[] Data { get; }

    /// <summary>0 when a row reads one value, 1 when it reads consecutive values.</summary>
    public int ColumnStride { get; }

    /// <summary>Where output row <paramref name="row"/> starts in <see cref="Data"/>.</summary>
    public int RowStart(int row)
    {
        // Integer division is slow: the common layouts need none.
        if (rowsPerBlock == 1)
        {
            return blockCount == int.MaxValue ? row * blockStride : blockCount == 1 ? 0 : row % blockCount * blockStride;
        }

        return row / rowsPerBlock % blockCount * blockStride;
    }
}
