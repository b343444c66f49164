using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>
/// The sine and cosine entries of <see cref="ElementwiseRules"/>, written once over <see cref="IWideLane{TSelf}"/>:
/// Cody &amp; Waite's reduction x = kπ/2 + r with π/2 in four parts (the first three short enough that k times them is
/// exact for |k| &lt; 2²⁰, so r keeps its relative accuracy even next to a zero of the result), then the minimax polynomials of Sun's fdlibm kernels on |r| ≤ π/4 (sine
/// r + r³ P(r²); cosine 1 - r²/2 + r⁴ Q(r²) with the last subtraction carried as w + ((1 - w) - r²/2) + ...), and the
/// quadrant k mod 4 choosing ±sin r or ±cos r. Arguments beyond <see cref="Limit"/> (and ±∞, NaN) go to
/// <see cref="Math.Sin(double)"/>/<see cref="Math.Cos(double)"/>.
/// </summary>
/// <remarks>
/// Why not <see cref="TensorPrimitives.Sin{T}(ReadOnlySpan{T}, Span{T})"/>: on .NET 10 its bits change once the JIT
/// tiers it up (measured: 8 of 8 195 sines and 16 cosines differ by an ulp between a first call and later ones), so
/// the same call would not give the same bits through a process's life. Each lane here is IEEE arithmetic alone, so
/// every width, block split and worker count gives the same bits; the values lie within 2 ulp of
/// <see cref="Math.Sin(double)"/> (tested).
/// </remarks>
internal static class Trigonometric
{
    /// <summary>|x| up to which the lanes reduce exactly enough (k below 2¹⁸).</summary>
    internal const double Limit = 262144.0;

    // π/2 = PiOver2High + PiOver2Middle + PiOver2Low + PiOver2Tail + O(1e-48): the first three have 33 significant bits
    // (fdlibm's pio2_1, pio2_2, pio2_3), so k times each is exact for |k| < 2²⁰; the last is pio2_3t. 2/π rounded.
    private const double TwoOverPi = 6.36619772367581382433e-01;
    private const double PiOver2High = 1.57079632673412561417e+00;
    private const double PiOver2Middle = 6.07710050630396597660e-11;
    private const double PiOver2Low = 2.02226624871116645580e-21;
    private const double PiOver2Tail = 8.47842766036889956997e-32;

    // fdlibm k_sin.c: sin r ≈ r + r³(S1 + r² S(r²)) on |r| ≤ π/4.
    private const double S1 = -1.66666666666666324348e-01;
    private const double S2 = 8.33333333332248946124e-03;
    private const double S3 = -1.98412698298579493134e-04;
    private const double S4 = 2.75573137070700676789e-06;
    private const double S5 = -2.50507602534068634195e-08;
    private const double S6 = 1.58969099521155010221e-10;

    // fdlibm k_cos.c: cos r ≈ 1 - r²/2 + r⁴ C(r²) on |r| ≤ π/4.
    private const double C1 = 4.16666666666666019037e-02;
    private const double C2 = -1.38888888888741095749e-03;
    private const double C3 = 2.48015872894767294178e-05;
    private const double C4 = -2.75573143513906633035e-07;
    private const double C5 = 2.08757232129817482790e-09;
    private const double C6 = -1.13596475577881948265e-11;

    /// <summary>Values per stack block of the derivative rules.</summary>
    private const int Block = 256;

    /// <summary>y = sin x (the spans may be the same).</summary>
    public static void Sin(ReadOnlySpan<double> x, Span<double> y) => Map(x, y, cosine: false);

    /// <summary>y = cos x (the spans may be the same).</summary>
    public static void Cos(ReadOnlySpan<double> x, Span<double> y) => Map(x, y, cosine: true);

    /// <summary>sin x or cos x of one value, by the scalar lane: the bits <see cref="Sin"/> and <see cref="Cos"/> give.</summary>
    public static double Of(double x, bool cosine) =>
        Math.Abs(x) < Limit ? Lanes(new WideLaneScalar(x), cosine).Value : cosine ? Math.Cos(x) : Math.Sin(x);

    /// <summary>
    /// gx = g cos x (d/dx sin x) or gx = -g sin x (d/dx cos x), a block at a time through a stack buffer, so the
    /// output gradient is read before gx is written even where the two are the same span.
    /// </summary>
    public static void Derivative(ReadOnlySpan<double> x, ReadOnlySpan<double> g, Span<double> gx, bool sine)
    {
        Span<double> other = stackalloc double[Block];
        for (int start = 0; start < x.Length; start += Block)
        {
            int length = Math.Min(Block, x.Length - start);
            var block = other[..length];
            Map(x.Slice(start, length), block, cosine: sine);
            if (!sine)
            {
                TensorPrimitives.Negate(block, block);
            }

            TensorPrimitives.Multiply(g.Slice(start, length), block, gx.Slice(start, length));
        }
    }

    private static void Map(ReadOnlySpan<double> x, Span<double> y, bool cosine)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Run<WideLane512>(x, y, cosine);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Run<WideLane256>(x, y, cosine);
        }
        else
        {
            Run<WideLaneScalar>(x, y, cosine);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(ReadOnlySpan<double> x, Span<double> y, bool cosine)
        where T : struct, IWideLane<T>
    {
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        uint all = (1u << T.Count) - 1;
        var limit = T.Create(Limit);
        int i = 0;
        for (; i <= x.Length - T.Count; i += T.Count)
        {
            var lanes = T.LoadUnsafe(ref xs, (nuint)i);
            var value = Lanes(lanes, cosine);
            uint inside = T.MaskBits(T.LessThan(T.Max(lanes, T.Negate(lanes)), limit));
            if (inside == all)
            {
                value.StoreUnsafe(ref ys, (nuint)i);
                continue;
            }

            // Arguments beyond the limit (or not finite) by the runtime's scalar functions, lane by lane; the output
            // may be the input, so each argument is read before its lane is written.
            for (int k = 0; k < T.Count; k++)
            {
                double argument = Unsafe.Add(ref xs, i + k);
                Unsafe.Add(ref ys, i + k) = Of(argument, cosine);
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref ys, i) = Of(Unsafe.Add(ref xs, i), cosine);
        }
    }

    /// <summary>sin x or cos x in every lane (meaningful where |x| ≤ <see cref="Limit"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Lanes<T>(T x, bool cosine)
        where T : struct, IWideLane<T>
    {
        // k = the nearest whole number to x·2/π (ties up), r = x - kπ/2 in four steps; the first three subtractions are
        // exact (Sterbenz: each removes most of what is left), so only the last rounds.
        var k = T.Floor((x * T.Create(TwoOverPi)) + T.Create(0.5));
        var r = (((x - (k * T.Create(PiOver2High))) - (k * T.Create(PiOver2Middle))) - (k * T.Create(PiOver2Low))) - (k * T.Create(PiOver2Tail));
        var z = r * r;
        var w = z * z;

        // fdlibm's kernels, with no tail of r.
        var sineTail = (T.Create(S2) + (z * (T.Create(S3) + (z * T.Create(S4))))) + ((z * w) * (T.Create(S5) + (z * T.Create(S6))));
        var sine = r + ((z * r) * (T.Create(S1) + (z * sineTail)));

        // Below r² = 2⁻⁵⁴ (5.55e-17), r + r³ S1 rounds to r anyway, and r itself keeps the sign of a zero (-0 + +0 would be +0).
        sine = T.Select(T.LessThan(z, T.Create(5.5511151231257827e-17)), r, sine);
        var cosineTail = (z * (T.Create(C1) + (z * (T.Create(C2) + (z * T.Create(C3)))))) + ((w * w) * (T.Create(C4) + (z * (T.Create(C5) + (z * T.Create(C6))))));
        var one = T.Create(1);
        var half = z * T.Create(0.5);
        var lead = one - half;
        var cosineOfR = lead + (((one - lead) - half) + (z * cosineTail));

        // The quadrant q = k mod 4 (one more for the cosine: cos x = sin(x + π/2)); odd q takes cos r, q ≥ 2 the minus sign.
        var q = cosine ? k + one : k;
        q -= T.Create(4) * T.Floor(q * T.Create(0.25));
        var odd = T.LessThan(T.Create(0.5), q - (T.Create(2) * T.Floor(q * T.Create(0.5))));
        var magnitude = T.Select(odd, cosineOfR, sine);
        return T.Select(T.LessThan(T.Create(1.5), q), T.Negate(magnitude), magnitude);
    }
}
