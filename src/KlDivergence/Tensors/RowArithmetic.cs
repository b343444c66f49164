using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>
/// The forward kernel of a broadcast sum, difference or product over short rows, all rows in one loop: a column times a
/// row (W6's [100, 1] × [1, 100]), a per-row value plus a matrix, a bias row plus a matrix. Calling the op's vector
/// kernel once per row costs more than the row's arithmetic when rows are short (W6's fit took 26.8–29.1 ms with this
/// loop against 29.1–30.1 ms with a call per row). IEEE addition, subtraction and multiplication round each element
/// once, whatever the loop, so this gives the bits of the ops' own kernels (held by a parity test); division is left
/// to them, since its scalar kernel multiplies by the reciprocal.
/// </summary>
internal static class RowArithmetic
{
    /// <summary>Rows longer than this amortise a call per row; they keep the op's own kernel.</summary>
    internal const int MaxRowLength = 512;

    /// <summary>
    /// Writes op(a, b) into <paramref name="y"/> ([rows, m], row-major) and returns true when the op is +, - or × and
    /// the rows are short; else writes nothing and returns false.
    /// </summary>
    public static bool TryForward(BinaryOp op, in BroadcastView a, in BroadcastView b, int rows, int m, double[] y)
    {
        if (m > MaxRowLength || (a.ColumnStride == 0 && b.ColumnStride == 0))
        {
            return false;
        }

        if (ReferenceEquals(op, ElementwiseRules.Add))
        {
            Run<Sum>(a, b, rows, m, y);
        }
        else if (ReferenceEquals(op, ElementwiseRules.Subtract))
        {
            Run<Difference>(a, b, rows, m, y);
        }
        else if (ReferenceEquals(op, ElementwiseRules.Multiply))
        {
            Run<Product>(a, b, rows, m, y);
        }
        else
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// Every row, in groups of rows across the workers when the output is large (each row's elements depend on that row
    /// alone, so any split gives the same bits); small outputs call the loop directly, without a delegate.
    /// </summary>
    private static void Run<TOp>(in BroadcastView a, in BroadcastView b, int rows, int m, double[] y)
        where TOp : IOperator
    {
        if (!ElementwiseSplit.Splits(y.Length) || rows < 2)
        {
            RowRange<TOp>(a, b, 0, rows, m, y);
            return;
        }

        var (left, right) = (a, b);
        ElementwiseSplit.ForRowGroups(rows, m, (first, end) => RowRange<TOp>(left, right, first, end, m, y));
    }

    /// <summary>Rows <paramref name="first"/> .. <paramref name="end"/> - 1 at the machine's vector width.</summary>
    private static void RowRange<TOp>(in BroadcastView a, in BroadcastView b, int first, int end, int m, double[] y)
        where TOp : IOperator
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Rows<TOp, WideLane512>(a, b, first, end, m, y);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Rows<TOp, WideLane256>(a, b, first, end, m, y);
        }
        else
        {
            Rows<TOp, WideLaneScalar>(a, b, first, end, m, y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TOp, T>(in BroadcastView a, in BroadcastView b, int first, int end, int m, double[] y)
        where TOp : IOperator
        where T : struct, IWideLane<T>
    {
        ref double ad = ref MemoryMarshal.GetArrayDataReference(a.Data);
        ref double bd = ref MemoryMarshal.GetArrayDataReference(b.Data);
        ref double yd = ref MemoryMarshal.GetArrayDataReference(y);
        int vectorEnd = m - (m % T.Count);
        bool aRow = a.ColumnStride == 1, bRow = b.ColumnStride == 1;
        for (int r = first; r < end; r++)
        {
            ref double ar = ref Unsafe.Add(ref ad, a.RowStart(r));
            ref double br = ref Unsafe.Add(ref bd, b.RowStart(r));
            ref double yr = ref Unsafe.Add(ref yd, r * m);
            if (aRow && bRow)
            {
                for (int i = 0; i < vectorEnd; i += T.Count)
                {
                    TOp.Apply(T.LoadUnsafe(ref ar, (nuint)i), T.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
                }
            }
            else if (aRow)
            {
                var right = T.Create(br);
                for (int i = 0; i < vectorEnd; i += T.Count)
                {
                    TOp.Apply(T.LoadUnsafe(ref ar, (nuint)i), right).StoreUnsafe(ref yr, (nuint)i);
                }
            }
            else
            {
                var left = T.Create(ar);
                for (int i = 0; i < vectorEnd; i += T.Count)
                {
                    TOp.Apply(left, T.LoadUnsafe(ref br, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
                }
            }

            for (int i = vectorEnd; i < m; i++)
            {
                var left = new WideLaneScalar(aRow ? Unsafe.Add(ref ar, i) : ar);
                var right = new WideLaneScalar(bRow ? Unsafe.Add(ref br, i) : br);
                TOp.Apply(left, right).StoreUnsafe(ref yr, (nuint)i);
            }
        }
    }

    /// <summary>One of the three operators, written once for every lane width.</summary>
    private interface IOperator
    {
        static abstract T Apply<T>(T a, T b)
            where T : ILane<T>;
    }

    private readonly struct Sum : IOperator
    {
        public static T Apply<T>(T a, T b)
            where T : ILane<T> => a + b;
    }

    private readonly struct Difference : IOperator
    {
        public static T Apply<T>(T a, T b)
            where T : ILane<T> => a - b;
    }

    private readonly struct Product : IOperator
    {
        public static T Apply<T>(T a, T b)
            where T : ILane<T> => a * b;
    }
}
