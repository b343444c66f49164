namespace KlDivergence.Tensors;

/// <summary>
/// One, four or eight doubles (a scalar or a vector) with what a closed-form kernel needs beyond arithmetic: loads and
/// stores, a lane-wise select, and the split of a positive double into 2^e·m. A kernel written once over this
/// interface runs at the machine's widest vector width, and since every operation is IEEE arithmetic or exact bit
/// manipulation lane by lane, every width gives the same bits.
/// </summary>
internal interface IWideLane<TSelf> : ILane<TSelf>
    where TSelf : struct, IWideLane<TSelf>
{
    /// <summary>The number of lanes.</summary>
    static abstract int Count { get; }

    /// <summary>The first <see cref="Count"/> values of the span.</summary>
    static abstract TSelf Load(ReadOnlySpan<double> source);

    /// <summary>Writes the lanes to the first <see cref="Count"/> places of the span.</summary>
    void Store(Span<double> target);

    /// <summary>The <see cref="Count"/> values from <paramref name="source"/> + <paramref name="index"/>, unchecked: the caller has checked the length.</summary>
    static abstract TSelf LoadUnsafe(ref double source, nuint index);

    /// <summary>Writes the lanes from <paramref name="target"/> + <paramref name="index"/>, unchecked: the caller has checked the length.</summary>
    void StoreUnsafe(ref double target, nuint index);

    /// <summary>Each lane with its sign flipped (zeros and NaNs included), as unary minus does.</summary>
    static abstract TSelf Negate(TSelf value);

    /// <summary>Lane by lane, <paramref name="ifTrue"/> where <paramref name="mask"/> is all ones, else <paramref name="ifFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);

    /// <summary>The all-ones mask in each lane where <paramref name="left"/> &lt; <paramref name="right"/>, else zero (false for NaN).</summary>
    static abstract TSelf LessThan(TSelf left, TSelf right);

    /// <summary>One bit per lane (lane k at bit k), set where the lane's sign bit is: for a mask, where it is all ones.</summary>
    static abstract uint MaskBits(TSelf mask);

    /// <summary>Each lane rounded down to a whole number (exact).</summary>
    static abstract TSelf Floor(TSelf x);

    /// <summary>2^k for whole k from -1022 to 1023 in each lane (exact bit manipulation; other lanes give meaningless values).</summary>
    static abstract TSelf PowerOfTwo(TSelf k);

    /// <summary>
    /// For a positive normal double x: x = 2^e·m with m in [√½, √2), e exactly, and the all-ones mask where e = 0
    /// (fdlibm's log: x's bits shifted so that the exponent field steps at √½). Other lanes give meaningless values.
    /// </summary>
    static abstract (TSelf Mantissa, TSelf Exponent, TSelf UnitExponent) SplitAtSqrtHalf(TSelf x);

    /// <summary>√x lane by lane, correctly rounded (IEEE), so every width gives the same bits.</summary>
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>The larger of x and y lane by lane, as <see cref="Math.Max(double, double)"/>: NaN if either is NaN, +0 above -0.</summary>
    static abstract TSelf Max(TSelf x, TSelf y);

    /// <summary>The lanes where x is a normal positive double and y is finite, one bit per lane (lane k at bit k).</summary>
    static abstract uint NormalAndFinite(TSelf x, TSelf y);
}
