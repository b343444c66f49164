using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>
/// The kernels of <see cref="TensorOps.Where(Tensor, Tensor, Tensor)"/>: pick a where the condition is non-zero, else
/// b, and route a gradient to the side that was picked. Each operand either has the result's length or is a single
/// value, which is read once and held in a register (a mask against a constant -∞, the common case in log-densities,
/// no longer fills an array with the constant). A NaN condition is non-zero, as in the element loop it replaces.
/// </summary>
internal static class Selection
{
    /// <summary>y = c ≠ 0 ? a : b element by element; each of c, a, b has y's length or one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Select(ReadOnlySpan<double> c, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
    {
        if (y.IsEmpty)
        {
            return;
        }

        if (c.Length == 1 && y.Length != 1)
        {
            // One condition for all: the result is one side, copied or broadcast.
            var side = c[0] != 0 ? a : b;
            if (side.Length == 1)
            {
                y.Fill(side[0]);
            }
            else
            {
                side.CopyTo(y);
            }

            return;
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var aAll = Vector256.Create(a[0]);
            var bAll = Vector256.Create(b[0]);
            bool aWhole = a.Length != 1, bWhole = b.Length != 1;
            for (; i <= y.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var zero = Vector256.Equals(Vector256.Create(c.Slice(i, Vector256<double>.Count)), Vector256<double>.Zero);
                var av = aWhole ? Vector256.Create(a.Slice(i, Vector256<double>.Count)) : aAll;
                var bv = bWhole ? Vector256.Create(b.Slice(i, Vector256<double>.Count)) : bAll;
                Vector256.ConditionalSelect(zero, bv, av).CopyTo(y.Slice(i));
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] = c[i] != 0 ? a[a.Length == 1 ? 0 : i] : b[b.Length == 1 ? 0 : i];
        }
    }

    /// <summary>
    /// result = g where (c ≠ 0) equals <paramref name="whereNonZero"/>, else 0: the gradient of the side that was picked.
    /// c has g's length or one value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Route(ReadOnlySpan<double> c, ReadOnlySpan<double> g, bool whereNonZero, Span<double> result)
    {
        if (c.Length == 1 && g.Length != 1)
        {
            if ((c[0] != 0) == whereNonZero)
            {
                g.CopyTo(result);
            }
            else
            {
                result.Clear();
            }

            return;
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= g.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var zero = Vector256.Equals(Vector256.Create(c.Slice(i, Vector256<double>.Count)), Vector256<double>.Zero);
                var gv = Vector256.Create(g.Slice(i, Vector256<double>.Count));
                (whereNonZero ? Vector256.AndNot(gv, zero) : gv & zero).CopyTo(result.Slice(i));
            }
        }

        for (; i < g.Length; i++)
        {
            result[i] = (c[i] != 0) == whereNonZero ? g[i] : 0;
        }
    }

    /// <summary>
    /// result = g where min ≤ x ≤ max, else 0 (NaN x included): the gradient of a clamp. x and g have the result's length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PassWithin(ReadOnlySpan<double> x, double min, double max, ReadOnlySpan<double> g, Span<double> result)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var low = Vector256.Create(min);
            var high = Vector256.Create(max);
            for (; i <= g.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var xv = Vector256.Create(x.Slice(i, Vector256<double>.Count));
                var inside = Vector256.GreaterThanOrEqual(xv, low) & Vector256.LessThanOrEqual(xv, high);
                (Vector256.Create(g.Slice(i, Vector256<double>.Count)) & inside).CopyTo(result.Slice(i));
            }
        }

        for (; i < g.Length; i++)
        {
            result[i] = x[i] >= min && x[i] <= max ? g[i] : 0;
        }
    }
}
