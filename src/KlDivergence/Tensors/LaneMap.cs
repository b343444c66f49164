using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>
/// Runs an <see cref="ILaneKernel"/> over a span at the machine's widest vector width, or on one value in a scalar
/// lane; lanes outside the kernel's domain are redone by its scalar code, so both entries give the same bits.
/// </summary>
internal static class LaneMap
{
    /// <summary>The kernel's value at <paramref name="x"/>.</summary>
    public static double Scalar<TKernel>(double x)
        where TKernel : ILaneKernel
    {
        var lane = new WideLaneScalar(x);
        var value = TKernel.Lanes(lane);
        return InDomain(new WideLaneScalar(x * TKernel.DomainScale), lane, value) != 0 ? value.Value : TKernel.Outside(x);
    }

    /// <summary>Writes the kernel's value at each element of <paramref name="x"/> (the spans may be the same).</summary>
    public static void Map<TKernel>(ReadOnlySpan<double> x, Span<double> y)
        where TKernel : ILaneKernel
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"The output has {y.Length} elements where the input has {x.Length}.", nameof(y));
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Run<TKernel, WideLane512>(x, y);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Run<TKernel, WideLane256>(x, y);
        }
        else
        {
            Run<TKernel, WideLaneScalar>(x, y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TKernel, T>(ReadOnlySpan<double> x, Span<double> y)
        where TKernel : ILaneKernel
        where T : struct, IWideLane<T>
    {
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        uint all = (1u << T.Count) - 1;
        var scale = T.Create(TKernel.DomainScale);
        Span<double> arguments = stackalloc double[T.Count];
        int i = 0;
        for (; i <= x.Length - T.Count; i += T.Count)
        {
            var lanes = T.LoadUnsafe(ref xs, (nuint)i);
            var value = TKernel.Lanes(lanes);
            uint good = InDomain(lanes * scale, lanes, value);
            if (good == all)
            {
                value.StoreUnsafe(ref ys, (nuint)i);
                continue;
            }

            // The arguments are kept before the store: the output may be the input.
            lanes.Store(arguments);
            value.StoreUnsafe(ref ys, (nuint)i);
            for (int k = 0; k < T.Count; k++)
            {
                if ((good & (1u << k)) == 0)
                {
                    Unsafe.Add(ref ys, i + k) = TKernel.Outside(arguments[k]);
                }
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref ys, i) = Scalar<TKernel>(Unsafe.Add(ref xs, i));
        }
    }

    /// <summary>The lanes whose scaled argument is normal and positive, and whose argument and value are finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint InDomain<T>(T scaled, T x, T value)
        where T : struct, IWideLane<T> => T.NormalAndFinite(scaled, value) & T.NormalAndFinite(scaled, x);

    /// <summary>The two-argument kernel's value at (<paramref name="a"/>, <paramref name="b"/>).</summary>
    public static double Scalar<TKernel>(double a, double b)
        where TKernel : IBinaryLaneKernel
    {
        var value = TKernel.Lanes(new WideLaneScalar(a), new WideLaneScalar(b), out uint good);
        return good != 0 ? value.Value : TKernel.Outside(a, b);
    }

    /// <summary>Writes the two-argument kernel's value at each pair (the output may be either input).</summary>
    public static void Map<TKernel>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
        where TKernel : IBinaryLaneKernel
    {
        if (a.Length != y.Length || b.Length != y.Length)
        {
            throw new ArgumentException($"The output has {y.Length} elements where the inputs have {a.Length} and {b.Length}.", nameof(y));
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Run<TKernel, WideLane512>(a, b, y);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Run<TKernel, WideLane256>(a, b, y);
        }
        else
        {
            Run<TKernel, WideLaneScalar>(a, b, y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TKernel, T>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
        where TKernel : IBinaryLaneKernel
        where T : struct, IWideLane<T>
    {
        ref double aStart = ref MemoryMarshal.GetReference(a);
        ref double bStart = ref MemoryMarshal.GetReference(b);
        ref double ys = ref MemoryMarshal.GetReference(y);
        uint all = (1u << T.Count) - 1;
        Span<double> first = stackalloc double[T.Count];
        Span<double> second = stackalloc double[T.Count];
        int i = 0;
        for (; i <= y.Length - T.Count; i += T.Count)
        {
            var left = T.LoadUnsafe(ref aStart, (nuint)i);
            var right = T.LoadUnsafe(ref bStart, (nuint)i);
            var value = TKernel.Lanes(left, right, out uint good);
            if (good == all)
            {
                value.StoreUnsafe(ref ys, (nuint)i);
                continue;
            }

            // The arguments are kept before the store: the output may be an input.
            left.Store(first);
            right.Store(second);
            value.StoreUnsafe(ref ys, (nuint)i);
            for (int k = 0; k < T.Count; k++)
            {
                if ((good & (1u << k)) == 0)
                {
                    Unsafe.Add(ref ys, i + k) = TKernel.Outside(first[k], second[k]);
                }
            }
        }

        for (; i < y.Length; i++)
        {
            Unsafe.Add(ref ys, i) = Scalar<TKernel>(Unsafe.Add(ref aStart, i), Unsafe.Add(ref bStart, i));
        }
    }

    /// <summary>
    /// Writes the derivative rule's input gradient at each element (<paramref name="gradient"/> may be any of the inputs):
    /// whole vectors at the machine's widest width, then the rest one at a time by the same code.
    /// </summary>
    public static void Map<TKernel>(ReadOnlySpan<double> g, ReadOnlySpan<double> y, ReadOnlySpan<double> x, Span<double> gradient)
        where TKernel : IGradientLaneKernel
    {
        if (g.Length != gradient.Length || y.Length != gradient.Length || x.Length != gradient.Length)
        {
            throw new ArgumentException($"The gradient has {gradient.Length} elements where the inputs have {g.Length}, {y.Length} and {x.Length}.", nameof(gradient));
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Run<TKernel, WideLane512>(g, y, x, gradient);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Run<TKernel, WideLane256>(g, y, x, gradient);
        }
        else
        {
            Run<TKernel, WideLaneScalar>(g, y, x, gradient);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TKernel, T>(ReadOnlySpan<double> g, ReadOnlySpan<double> y, ReadOnlySpan<double> x, Span<double> gradient)
        where TKernel : IGradientLaneKernel
        where T : struct, IWideLane<T>
    {
        ref double gs = ref MemoryMarshal.GetReference(g);
        ref double ys = ref MemoryMarshal.GetReference(y);
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double outs = ref MemoryMarshal.GetReference(gradient);
        int i = 0;
        for (; i <= gradient.Length - T.Count; i += T.Count)
        {
            TKernel.Lanes(T.LoadUnsafe(ref gs, (nuint)i), T.LoadUnsafe(ref ys, (nuint)i), T.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref outs, (nuint)i);
        }

        for (; i < gradient.Length; i++)
        {
            Unsafe.Add(ref outs, i) = TKernel.Lanes(new WideLaneScalar(Unsafe.Add(ref gs, i)), new WideLaneScalar(Unsafe.Add(ref ys, i)), new WideLaneScalar(Unsafe.Add(ref xs, i))).Value;
        }
    }
}
