using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>8 doubles as an <see cref="IWideLane{TSelf}"/> (IEEE operations lane by lane, no fused multiply-add).</summary>
internal readonly struct WideLane512(Vector512<double> value) : IWideLane<WideLane512>
{
    private const ulong SqrtHalfBits = 0x3FE6A09E667F3BCD;

    /// <summary>The 8 numbers.</summary>
    public Vector512<double> Value { get; } = value;

    public static int Count => 8;

    public static WideLane512 Create(double value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 Load(ReadOnlySpan<double> source) => new(Vector512.Create(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<double> target) => Value.CopyTo(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 LoadUnsafe(ref double source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreUnsafe(ref double target, nuint index) => Value.StoreUnsafe(ref target, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 Negate(WideLane512 value) => new(Vector512.Negate(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 Select(WideLane512 mask, WideLane512 ifTrue, WideLane512 ifFalse) => new(Vector512.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 LessThan(WideLane512 left, WideLane512 right) => new(Vector512.LessThan(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MaskBits(WideLane512 mask) => (uint)Vector512.ExtractMostSignificantBits(mask.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 Floor(WideLane512 x) => new(Vector512.Floor(x.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 Sqrt(WideLane512 x) => new(Vector512.Sqrt(x.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 Max(WideLane512 x, WideLane512 y) => new(Vector512.Max(x.Value, y.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 PowerOfTwo(WideLane512 k) =>
        new(Vector512.ShiftLeft((k.Value + Vector512.Create(LaneMath.PowerOfTwoBias)).AsUInt64(), 52).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (WideLane512 Mantissa, WideLane512 Exponent, WideLane512 UnitExponent) SplitAtSqrtHalf(WideLane512 x)
    {
        var shifted = x.Value.AsUInt64() + Vector512.Create(0x3FF0000000000000UL - SqrtHalfBits);
        var mantissa = ((shifted & Vector512.Create(0x000FFFFFFFFFFFFFUL)) + Vector512.Create(SqrtHalfBits)).AsDouble();
        var biased = Vector512.ShiftRightLogical(shifted, 52);

        // 2^52 + k has the integer k in its low mantissa bits: e = that double - 2^52 - 1023, exactly.
        var exponent = (biased | Vector512.Create(0x4330000000000000UL)).AsDouble() - Vector512.Create(4503599627370496.0 + 1023);
        return (new(mantissa), new(exponent), new(Vector512.Equals(biased, Vector512.Create(0x3FFUL)).AsDouble()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NormalAndFinite(WideLane512 x, WideLane512 y) => (uint)Vector512.ExtractMostSignificantBits(
        Vector512.GreaterThanOrEqual(x.Value, Vector512.Create(2.2250738585072014E-308)) & Vector512.LessThanOrEqual(Vector512.Abs(y.Value), Vector512.Create(double.MaxValue)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 operator +(WideLane512 left, WideLane512 right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 operator -(WideLane512 left, WideLane512 right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 operator *(WideLane512 left, WideLane512 right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane512 operator /(WideLane512 left, WideLane512 right) => new(left.Value / right.Value);
}
