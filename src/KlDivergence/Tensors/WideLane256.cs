using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>4 doubles as an <see cref="IWideLane{TSelf}"/> (IEEE operations lane by lane, no fused multiply-add).</summary>
internal readonly struct WideLane256(Vector256<double> value) : IWideLane<WideLane256>
{
    private const ulong SqrtHalfBits = 0x3FE6A09E667F3BCD;

    /// <summary>The 4 numbers.</summary>
    public Vector256<double> Value { get; } = value;

    public static int Count => 4;

    public static WideLane256 Create(double value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 Load(ReadOnlySpan<double> source) => new(Vector256.Create(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<double> target) => Value.CopyTo(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 LoadUnsafe(ref double source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreUnsafe(ref double target, nuint index) => Value.StoreUnsafe(ref target, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 Negate(WideLane256 value) => new(Vector256.Negate(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 Select(WideLane256 mask, WideLane256 ifTrue, WideLane256 ifFalse) => new(Vector256.ConditionalSelect(mask.Value, ifTrue.Value, ifFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 LessThan(WideLane256 left, WideLane256 right) => new(Vector256.LessThan(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MaskBits(WideLane256 mask) => (uint)Vector256.ExtractMostSignificantBits(mask.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 Floor(WideLane256 x) => new(Vector256.Floor(x.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 Sqrt(WideLane256 x) => new(Vector256.Sqrt(x.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 Max(WideLane256 x, WideLane256 y) => new(Vector256.Max(x.Value, y.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 PowerOfTwo(WideLane256 k) =>
        new(Vector256.ShiftLeft((k.Value + Vector256.Create(LaneMath.PowerOfTwoBias)).AsUInt64(), 52).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (WideLane256 Mantissa, WideLane256 Exponent, WideLane256 UnitExponent) SplitAtSqrtHalf(WideLane256 x)
    {
        var shifted = x.Value.AsUInt64() + Vector256.Create(0x3FF0000000000000UL - SqrtHalfBits);
        var mantissa = ((shifted & Vector256.Create(0x000FFFFFFFFFFFFFUL)) + Vector256.Create(SqrtHalfBits)).AsDouble();
        var biased = Vector256.ShiftRightLogical(shifted, 52);

        // 2^52 + k has the integer k in its low mantissa bits: e = that double - 2^52 - 1023, exactly.
        var exponent = (biased | Vector256.Create(0x4330000000000000UL)).AsDouble() - Vector256.Create(4503599627370496.0 + 1023);
        return (new(mantissa), new(exponent), new(Vector256.Equals(biased, Vector256.Create(0x3FFUL)).AsDouble()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NormalAndFinite(WideLane256 x, WideLane256 y) => (uint)Vector256.ExtractMostSignificantBits(
        Vector256.GreaterThanOrEqual(x.Value, Vector256.Create(2.2250738585072014E-308)) & Vector256.LessThanOrEqual(Vector256.Abs(y.Value), Vector256.Create(double.MaxValue)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 operator +(WideLane256 left, WideLane256 right) => new(left.Value + right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 operator -(WideLane256 left, WideLane256 right) => new(left.Value - right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 operator *(WideLane256 left, WideLane256 right) => new(left.Value * right.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WideLane256 operator /(WideLane256 left, WideLane256 right) => new(left.Value / right.Value);
}
