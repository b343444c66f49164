using System.Runtime.CompilerServices;

namespace KlDivergence.Tensors;

/// <summary>
/// One double as an <see cref="IWideLane{TSelf}"/>: the same operations as the vector lanes, one element at a time,
/// for the elements after the last whole vector and for single pairs (the same bits as a vector lane).
/// </summary>
internal readonly struct WideLaneScalar(double value) : IWideLane<WideLaneScalar>
{
    private const ulong SqrtHalfBits = 0x3FE6A09E667F3BCD;

    /// <summary>The number.</summary>
    public double Value { get; } = value;

    public static int Count => 1;

    public static WideLaneScalar Create(double value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar Load(ReadOnlySpan<double> source) => new(source[0]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<double> target) => target[0] = Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar LoadUnsafe(ref double source, nuint index) => new(Unsafe.Add(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreUnsafe(ref double target, nuint index) => Unsafe.Add(ref target, index) = Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar Negate(WideLaneScalar value) => new(-value.Value);

    /// <summary>A mask lane is all ones (a NaN bit pattern) or zero: compared by its bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar Select(WideLaneScalar mask, WideLaneScalar ifTrue, WideLaneScalar ifFalse) =>
        BitConverter.DoubleToUInt64Bits(mask.Value) != 0 ? ifTrue : ifFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar LessThan(WideLaneScalar left, WideLaneScalar right) =>
        new(BitConverter.UInt64BitsToDouble(left.Value < right.Value ? ulong.MaxValue : 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MaskBits(WideLaneScalar mask) => (uint)(BitConverter.DoubleToUInt64Bits(mask.Value) >> 63);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar Floor(WideLaneScalar x) => new(Math.Floor(x.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar Sqrt(WideLaneScalar x) => new(Math.Sqrt(x.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar Max(WideLaneScalar x, WideLaneScalar y) => new(Math.Max(x.Value, y.Value));

    /// <summary>The bits of 2⁵² + 1023 + k shifted left by 52: the biased exponent k + 1023 lands in the exponent field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar PowerOfTwo(WideLaneScalar k) =>
        new(BitConverter.UInt64BitsToDouble(BitConverter.DoubleToUInt64Bits(k.Value + LaneMath.PowerOfTwoBias) << 52));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (WideLaneScalar Mantissa, WideLaneScalar Exponent, WideLaneScalar UnitExponent) SplitAtSqrtHalf(WideLaneScalar x)
    {
        ulong shifted = BitConverter.DoubleToUInt64Bits(x.Value) + (0x3FF0000000000000UL - SqrtHalfBits);
        double mantissa = BitConverter.UInt64BitsToDouble((shifted & 0x000FFFFFFFFFFFFFUL) + SqrtHalfBits);
        ulong biased = shifted >> 52;
        double exponent = BitConverter.UInt64BitsToDouble(biased | 0x4330000000000000UL) - (4503599627370496.0 + 1023);
        return (new(mantissa), new(exponent), new(BitConverter.UInt64BitsToDouble(biased == 0x3FF ? ulong.MaxValue : 0)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NormalAndFinite(WideLaneScalar x, WideLaneScalar y) =>
        x.Value >= 2.2250738585072014E-308 && Math.Abs(y.Value) <= double.MaxValue ? 1u : 0u;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar operator +(WideLaneScalar left, WideLaneScalar right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar operator -(WideLaneScalar left, WideLaneScalar right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar operator *(WideLaneScalar left, WideLaneScalar right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLaneScalar operator /(WideLaneScalar left, WideLaneScalar right) => new(left.Value / right.Value);
}
