using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Tensors;

/// <summary>
/// erfc written once over <see cref="IWideLane{TSelf}"/>, and the standard normal CDF Φ(x) = ½ erfc(-x/√2) from it:
/// W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the error function", Math.
/// Comp. 23, 1969, pp. 631-638; the coefficients as published in netlib's specfun CALERF). For |z| ≤ 0.46875,
/// erfc z = 1 - z·A(z²)/B(z²); up to 4, e^{-z²}·C(|z|)/D(|z|); beyond, e^{-z²}(1/√π - z⁻²P(z⁻²)/Q(z⁻²))/|z|, with
/// e^{-z²} taken as e^{-s²}e^{-(|z|-s)(|z|+s)}, s = ⌊16|z|⌋/16, so the square's rounding does not reach the result;
/// 2 - erfc|z| for negative z beyond the first interval. Every lane computes all three forms and keeps its own, with
/// IEEE arithmetic and <see cref="LaneMath.Exp{T}"/> only, so every width gives the same bits.
/// </summary>
internal static class ErrorFunction
{
    // Cody (1969), first interval: erf z = z·A(z²)/B(z²).
    private const double A0 = 3.16112374387056560e00, A1 = 1.13864154151050156e02, A2 = 3.77485237685302021e02, A3 = 3.20937758913846947e03, A4 = 1.85777706184603153e-1;
    private const double B0 = 2.36012909523441209e01, B1 = 2.44024637934444173e02, B2 = 1.28261652607737228e03, B3 = 2.84423683343917062e03;

    // Second interval: erfc z = e^{-z²} C(z)/D(z).
    private const double C0 = 5.64188496988670089e-1, C1 = 8.88314979438837594e00, C2 = 6.61191906371416295e01, C3 = 2.98635138197400131e02;
    private const double C4 = 8.81952221241769090e02, C5 = 1.71204761263407058e03, C6 = 2.05107837782607147e03, C7 = 1.23033935479799725e03, C8 = 2.15311535474403846e-8;
    private const double D0 = 1.57449261107098347e01, D1 = 1.17693950891312499e02, D2 = 5.37181101862009858e02, D3 = 1.62138957456669019e03;
    private const double D4 = 3.29079923573345963e03, D5 = 4.36261909014324716e03, D6 = 3.43936767414372164e03, D7 = 1.23033935480374942e03;

    // Third interval: erfc z = e^{-z²}(1/√π - w P(w)/Q(w))/z, w = 1/z².
    private const double P0 = 3.05326634961232344e-1, P1 = 3.60344899949804439e-1, P2 = 1.25781726111229246e-1, P3 = 1.60837851487422766e-2, P4 = 6.58749161529837803e-4, P5 = 1.63153871373020978e-2;
    private const double Q0 = 2.56852019228982242e00, Q1 = 1.87295284992346047e00, Q2 = 5.27905102951428412e-1, Q3 = 6.05183413124413191e-2, Q4 = 2.33520497626869185e-3;

    /// <summary>1/√π.</summary>
    private const double InverseSqrtPi = 0.56418958354775628695;

    /// <summary>The end of the first interval.</summary>
    private const double Threshold = 0.46875;

    /// <summary>erfc z is below half the smallest subnormal from here on (e^{-784}/28 against 4.9e-324).</summary>
    private const double Underflow = 28;

    /// <summary>√½: Φ(x) = ½ erfc(-x√½).</summary>
    private const double SqrtHalf = 0.70710678118654752440;

    /// <summary>erfc z for one value (the scalar lane: the bits of the span entries).</summary>
    public static double Erfc(double z) => Erfc(new WideLaneScalar(z)).Value;

    /// <summary>Φ(x) for one value.</summary>
    public static double NormalCdf(double x) => NormalCdf(new WideLaneScalar(x)).Value;

    /// <summary>y = Φ(x) element by element at the machine's widest vector width (the spans may be the same).</summary>
    public static void NormalCdf(ReadOnlySpan<double> x, Span<double> y)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Run<WideLane512>(x, y);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Run<WideLane256>(x, y);
        }
        else
        {
            Run<WideLaneScalar>(x, y);
        }
    }

    /// <summary>Φ(x) = ½ erfc(-x√½) in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NormalCdf<T>(T x)
        where T : struct, IWideLane<T> => T.Create(0.5) * Erfc(T.Negate(x) * T.Create(SqrtHalf));

    /// <summary>
    /// erfc z in every lane: ±∞ give 0 and 2, NaN gives NaN. Only the intervals some lane falls in are computed (each
    /// lane's value is its own interval's, whatever its neighbours'), so a vector wholly inside the first interval pays
    /// for no exponential and one with no lane beyond 4 for no third rational. The three rationals are methods of their
    /// own: inlined here they made a method too large for the JIT to inline the lane operators, each then a call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Erfc<T>(T z)
        where T : struct, IWideLane<T>
    {
        var y = T.Max(z, T.Negate(z));
        uint beyondFirst = T.MaskBits(T.LessThan(T.Create(Threshold), y));
        uint beyondSecond = T.MaskBits(T.LessThan(T.Create(4), y));
        uint all = T.Count == 32 ? uint.MaxValue : (1u << T.Count) - 1;
        var near = beyondFirst == all ? y : Near(z, y);
        if (beyondFirst == 0)
        {
            return near;
        }

        var ratio = beyondSecond == 0 ? Middle(y) : beyondSecond == beyondFirst ? Far(y) : T.Select(T.LessThan(T.Create(4), y), Far(y), Middle(y));


        // e^{-y²} = e^{-s²}·e^{-(y - s)(y + s)} with s = ⌊16y⌋/16 (s² exact); 0 from where even a subnormal is out of
        // reach (and at ∞, where y - s is NaN).
        var s = T.Floor(y * T.Create(16)) / T.Create(16);
        var tail = (LaneMath.Exp(T.Negate(s * s)) * LaneMath.Exp(T.Negate((y - s) * (y + s)))) * ratio;
        tail = T.Select(T.LessThan(y, T.Create(Underflow)), tail, T.Create(0));
        tail = T.Select(T.LessThan(z, T.Create(0)), T.Create(2) - tail, tail);
        return T.Select(T.LessThan(T.Create(Threshold), y), tail, near);
    }

    /// <summary>First interval: 1 - z·A(z²)/B(z²).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Near<T>(T z, T y)
        where T : struct, IWideLane<T>
    {
        var square = y * y;
        var numerator = T.Create(A4) * square;
        var denominator = square;
        numerator = (numerator + T.Create(A0)) * square;
        denominator = (denominator + T.Create(B0)) * square;
        numerator = (numerator + T.Create(A1)) * square;
        denominator = (denominator + T.Create(B1)) * square;
        numerator = (numerator + T.Create(A2)) * square;
        denominator = (denominator + T.Create(B2)) * square;
        return T.Create(1) - (z * (numerator + T.Create(A3)) / (denominator + T.Create(B3)));
    }

    /// <summary>Second interval's ratio C(y)/D(y).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Middle<T>(T y)
        where T : struct, IWideLane<T>
    {
        var c = T.Create(C8) * y;
        var d = y;
        c = (c + T.Create(C0)) * y;
        d = (d + T.Create(D0)) * y;
        c = (c + T.Create(C1)) * y;
        d = (d + T.Create(D1)) * y;
        c = (c + T.Create(C2)) * y;
        d = (d + T.Create(D2)) * y;
        c = (c + T.Create(C3)) * y;
        d = (d + T.Create(D3)) * y;
        c = (c + T.Create(C4)) * y;
        d = (d + T.Create(D4)) * y;
        c = (c + T.Create(C5)) * y;
        d = (d + T.Create(D5)) * y;
        c = (c + T.Create(C6)) * y;
        d = (d + T.Create(D6)) * y;
        return (c + T.Create(C7)) / (d + T.Create(D7));
    }

    /// <summary>Third interval's ratio (1/√π - w P(w)/Q(w))/y, w = 1/y².</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Far<T>(T y)
        where T : struct, IWideLane<T>
    {
        var w = T.Create(1) / (y * y);
        var p = T.Create(P5) * w;
        var q = w;
        p = (p + T.Create(P0)) * w;
        q = (q + T.Create(Q0)) * w;
        p = (p + T.Create(P1)) * w;
        q = (q + T.Create(Q1)) * w;
        p = (p + T.Create(P2)) * w;
        q = (q + T.Create(Q2)) * w;
        p = (p + T.Create(P3)) * w;
        q = (q + T.Create(Q3)) * w;
        return (T.Create(InverseSqrtPi) - (w * (p + T.Create(P4)) / (q + T.Create(Q4)))) / y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(ReadOnlySpan<double> x, Span<double> y)
        where T : struct, IWideLane<T>
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"The output has {y.Length} elements where the input has {x.Length}.", nameof(y));
        }

        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i <= x.Length - T.Count; i += T.Count)
        {
            NormalCdf(T.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref ys, i) = NormalCdf(Unsafe.Add(ref xs, i));
        }
    }
}
