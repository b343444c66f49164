using System.Globalization;
using System.Runtime.Intrinsics;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>Constructor validation shared by the families: each failure names the family, the parameter and the value.</summary>
internal static class ParameterChecks
{
    public static Tensor Finite(Tensor? value, string family, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (AllBitsBelow(value.Values, FiniteMagnitudeLimit, offset: 0))
        {
            // One branch-free vectorised pass in the common case; the loop below only runs to name the bad entry.
            return value;
        }

        foreach (double v in value.Values)
        {
            if (!double.IsFinite(v))
            {
                throw Invalid(family, paramName, "must be finite", v);
            }
        }

        return value;
    }

    public static Tensor Positive(Tensor? value, string family, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (AllPositiveAndFinite(value.Values))
        {
            // One branch-free vectorised pass in the common case; the loop below only runs to name the bad entry.
            return value;
        }

        foreach (double v in value.Values)
        {
            if (!(v > 0) || !double.IsFinite(v))
            {
                throw Invalid(family, paramName, "must be positive and finite", v);
            }
        }

        return value;
    }

    /// <summary>The bits of +∞: a double is finite exactly when its bits without the sign are below these.</summary>
    private const ulong FiniteMagnitudeLimit = 0x7FF0000000000000UL;

    /// <summary>
    /// True when every value lies in (0, +∞) (false for NaN). As unsigned integers, the bits of the doubles in
    /// (0, +∞) are exactly 1 .. 0x7FEF_FFFF_FFFF_FFFF (the smallest subnormal to the largest finite): +0 has bits 0,
    /// +∞ and NaN lie above, and every negative value (sign bit set) lies above all of them. So bits - 1, wrapping at
    /// 0, is below 0x7FEF_FFFF_FFFF_FFFF (+∞'s bits less one) exactly for the values accepted. A scale tensor is checked every time a distribution is
    /// built, often inside a fit's loop, so the pass keeps a running maximum instead of a branch per vector.
    /// </summary>
    private static bool AllPositiveAndFinite(ReadOnlySpan<double> values) => AllBitsBelow(values, FiniteMagnitudeLimit - 1, offset: 1);

    /// <summary>
    /// True when, for every value, (its bits - <paramref name="offset"/>) as an unsigned integer is below
    /// <paramref name="limit"/>, with the sign bit dropped first when <paramref name="offset"/> is 0 (finiteness) and
    /// kept when it is 1 (see <see cref="AllPositiveAndFinite"/>): the largest such number over the span, at the
    /// widest vector width, compared once at the end.
    /// </summary>
    private static bool AllBitsBelow(ReadOnlySpan<double> values, ulong limit, ulong offset)
    {
        ulong mask = offset == 0 ? 0x7FFFFFFFFFFFFFFFUL : ulong.MaxValue;
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<double, ulong>(values);
        int i = 0;
        ulong largest = 0;
        if (Vector512.IsHardwareAccelerated && bits.Length >= Vector512<ulong>.Count)
        {
            var max = Vector512<ulong>.Zero;
            var vMask = Vector512.Create(mask);
            var vOffset = Vector512.Create(offset);
            for (; i <= bits.Length - Vector512<ulong>.Count; i += Vector512<ulong>.Count)
            {
                max = Vector512.Max(max, (Vector512.Create(bits[i..]) & vMask) - vOffset);
            }

            largest = Largest(max.GetLower(), Largest(max.GetUpper(), largest));
        }
        else if (Vector256.IsHardwareAccelerated && bits.Length >= Vector256<ulong>.Count)
        {
            var max = Vector256<ulong>.Zero;
            var vMask = Vector256.Create(mask);
            var vOffset = Vector256.Create(offset);
            for (; i <= bits.Length - Vector256<ulong>.Count; i += Vector256<ulong>.Count)
            {
                max = Vector256.Max(max, (Vector256.Create(bits[i..]) & vMask) - vOffset);
            }

            largest = Largest(max, largest);
        }

        for (; i < bits.Length; i++)
        {
            largest = Math.Max(largest, (bits[i] & mask) - offset);
        }

        return largest < limit;

        static ulong Largest(Vector256<ulong> v, ulong seed) => Math.Max(Math.Max(Math.Max(v[0], v[1]), Math.Max(v[2], v[3])), seed);
    }

    public static ArgumentOutOfRangeException Invalid(string family, string paramName, string requirement, double value) =>
        new(paramName, value, $"{family}: {paramName} {requirement}, got {value.ToString("G", CultureInfo.InvariantCulture)}");

    public static int[] BroadcastParameters(string family, Tensor a, string aName, Tensor b, string bName)
    {
        try
        {
            return Shapes.Broadcast(a.ShapeArray, b.ShapeArray);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"{family}: the shapes of {aName} {Shapes.Format(a.ShapeArray)} and {bName} {Shapes.Format(b.ShapeArray)} do not broadcast.", bName, e);
        }
    }

    /// <summary>The broadcast shape of three parameters; the error names the pair that does not broadcast.</summary>
    public static int[] BroadcastParameters(string family, Tensor a, string aName, Tensor b, string bName, Tensor c, string cName)
    {
        int[] ab = BroadcastParameters(family, a, aName, b, bName);
        try
        {
            return Shapes.Broadcast(ab, c.ShapeArray);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"{family}: the shape of {cName} {Shapes.Format(c.ShapeArray)} does not broadcast with {aName} and {bName} {Shapes.Format(ab)}.", cName, e);
        }
    }
}
