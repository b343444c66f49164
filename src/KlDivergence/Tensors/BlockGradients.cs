namespace KlDivergence.Tensors;

/// <summary>The gradient spans of a block under construction (empty where no gradient is needed).</summary>
internal ref struct BlockGradients
{
    public Span<double> G0, G1, G2, G3, G4, G5;

    public void Set(int k, Span<double> values)
    {
        switch (k)
        {
            case 0: G0 = values; break;
            case 1: G1 = values; break;
            case 2: G2 = values; break;
            case 3: G3 = values; break;
            case 4: G4 = values; break;
            default: G5 = values; break;
        }
    }
}
