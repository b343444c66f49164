using System.Numerics;
using System.Runtime.CompilerServices;

namespace KlDivergence.Tensors;

/// <summary>
/// The kernels of the comparison ops (<see cref="TensorOps.GreaterThan"/> and its kin): 1 where the comparison holds,
/// else 0 (NaN compares false), a vector of elements at a time. Each operand has the result's length or is a single
/// value held in a register (a mask against a bound, the common case in log-densities, no longer broadcasts it).
/// </summary>
internal static class Comparisons
{
    /// <summary>
    /// Whether every value lies within the bounds, each open or closed (false when a value is NaN), writing nothing: a
    /// vector minimum (NaN when any value is), and a maximum unless the upper bound is a closed +∞. The usual case of a
    /// support or domain check, decided without a 0/1 tensor or a call per element.
    /// </summary>
    public static bool AllWithin(ReadOnlySpan<double> values, double lower, bool lowerOpen, double upper, bool upperOpen)
    {
        if (values.IsEmpty)
        {
            return true;
        }

        double min = System.Numerics.Tensors.TensorPrimitives.Min(values);
        if (!(lowerOpen ? min > lower : min >= lower))
        {
            return false;
        }

        // No NaN is left (the minimum would have been NaN), so a closed +∞ bound holds every value.
        if (!upperOpen && double.IsPositiveInfinity(upper))
        {
            return true;
        }

        double max = System.Numerics.Tensors.TensorPrimitives.Max(values);
        return upperOpen ? max < upper : max <= upper;
    }

    /// <summary>A comparison in vector lanes and on one pair.</summary>
    public interface IComparison
    {
        static abstract Vector<long> Lanes(Vector<double> a, Vector<double> b);

        static abstract bool Holds(double a, double b);
    }

    /// <summary>a &gt; b.</summary>
    public readonly struct Greater : IComparison
    {
        public static Vector<long> Lanes(Vector<double> a, Vector<double> b) => Vector.GreaterThan(a, b);

        public static bool Holds(double a, double b) => a > b;
    }

    /// <summary>a &lt; b.</summary>
    public readonly struct Less : IComparison
    {
        public static Vector<long> Lanes(Vector<double> a, Vector<double> b) => Vector.LessThan(a, b);

        public static bool Holds(double a, double b) => a < b;
    }

    /// <summary>a ≥ b.</summary>
    public readonly struct GreaterOrEqual : IComparison
    {
        public static Vector<long> Lanes(Vector<double> a, Vector<double> b) => Vector.GreaterThanOrEqual(a, b);

        public static bool Holds(double a, double b) => a >= b;
    }

    /// <summary>a = b (IEEE: -0 = +0, NaN ≠ NaN).</summary>
    public readonly struct Equal : IComparison
    {
        public static Vector<long> Lanes(Vector<double> a, Vector<double> b) => Vector.Equals(a, b);

        public static bool Holds(double a, double b) => a == b;
    }

    /// <summary>y = 1 where the comparison of a and b holds, else 0; a and b have y's length or one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TComparison>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
        where TComparison : IComparison
    {
        if (y.IsEmpty)
        {
            return;
        }

        bool aWhole = a.Length != 1 || y.Length == 1, bWhole = b.Length != 1 || y.Length == 1;
        var aAll = new Vector<double>(a[0]);
        var bAll = new Vector<double>(b[0]);
        var one = Vector<double>.One;
        int w = Vector<double>.Count, i = 0;
        for (; i <= y.Length - w; i += w)
        {
            var av = aWhole ? new Vector<double>(a.Slice(i, w)) : aAll;
            var bv = bWhole ? new Vector<double>(b.Slice(i, w)) : bAll;
            Vector.BitwiseAnd(one, Vector.AsVectorDouble(TComparison.Lanes(av, bv))).CopyTo(y.Slice(i, w));
        }

        for (; i < y.Length; i++)
        {
            y[i] = TComparison.Holds(a[aWhole ? i : 0], b[bWhole ? i : 0]) ? 1 : 0;
        }
    }

    /// <summary>y = 1 where x is finite, else 0: x - x is 0 exactly for finite x and NaN for ±∞ and NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Finite(ReadOnlySpan<double> x, Span<double> y)
    {
        var one = Vector<double>.One;
        int w = Vector<double>.Count, i = 0;
        for (; i <= y.Length - w; i += w)
        {
            var v = new Vector<double>(x.Slice(i, w));
            Vector.BitwiseAnd(one, Vector.AsVectorDouble(Vector.Equals(v - v, Vector<double>.Zero))).CopyTo(y.Slice(i, w));
        }

        for (; i < y.Length; i++)
        {
            y[i] = double.IsFinite(x[i]) ? 1 : 0;
        }
    }
}
