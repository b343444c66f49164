namespace KlDivergence.Tensors;

/// <summary>The input spans of a block under construction (unused slots empty).</summary>
internal ref struct BlockSpans
{
    public ReadOnlySpan<double> In0, In1, In2, In3, In4, In5;

    public void Set(int k, ReadOnlySpan<double> values)
    {
        switch (k)
        {
            case 0: In0 = values; break;
            case 1: In1 = values; break;
            case 2: In2 = values; break;
            case 3: In3 = values; break;
            case 4: In4 = values; break;
            default: In5 = values; break;
        }
    }
}
