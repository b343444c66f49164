namespace KlDivergence.Tensors;

/// <summary>
/// An element-wise op's derivative rule written once over <see cref="IWideLane{TSelf}"/>: the input gradient from the
/// output gradient g, the output y and the input x (a rule reads what it needs), so the vector lanes and the scalar
/// tail give the same bits; <see cref="LaneMap.Map{TKernel}(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>
/// runs it.
/// </summary>
internal interface IGradientLaneKernel
{
    /// <summary>The input gradient in every lane.</summary>
    static abstract T Lanes<T>(T g, T y, T x)
        where T : struct, IWideLane<T>;
}
