using System.Runtime.CompilerServices;

namespace KlDivergence.Tensors;

/// <summary>
/// The logarithm written once over <see cref="IWideLane{TSelf}"/>, so kernels that need it (the Normal KL, the gamma
/// functions) run at any vector width with the same bits: IEEE arithmetic only, no fused multiply-add, no library call
/// whose vector and scalar forms may round differently.
/// </summary>
internal static class LaneMath
{
    /// <summary>log 2 = Ln2Hi + Ln2Lo, Ln2Hi with 32 trailing zero bits so that e·Ln2Hi is exact for |e| &lt; 2^20 (fdlibm e_log.c).</summary>
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;

    /// <summary>
    /// log(1 + f) = 2u + tail with u = f/(2 + f), for |f| ≤ √2 - 1 (fdlibm's reduction): returns u and the tail
    /// 2u³(1/3 + t/5 + … + t¹⁰/23) in t = u² (t ≤ 0.0295: the next term is below 2e-18 of the sum), summed by Estrin's
    /// scheme (pairs, then pairs of pairs) so the lanes wait on a chain of 5 products instead of 10. Kept apart so a
    /// caller can form f - log(1 + f) = u·f - tail without cancellation (A&amp;S 4.1.27, the series of atanh u).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T U, T Tail) Log1pParts<T>(T f)
        where T : struct, IWideLane<T>
    {
        var two = T.Create(2);
        var u = f / (two + f);
        var u2 = u * u;
        var u4 = u2 * u2;
        var u8 = u4 * u4;
        var q0 = ((T.Create(1.0 / 5) * u2) + T.Create(1.0 / 3)) + (((T.Create(1.0 / 9) * u2) + T.Create(1.0 / 7)) * u4);
        var q1 = ((T.Create(1.0 / 13) * u2) + T.Create(1.0 / 11)) + (((T.Create(1.0 / 17) * u2) + T.Create(1.0 / 15)) * u4);
        var q2 = ((T.Create(1.0 / 21) * u2) + T.Create(1.0 / 19)) + (T.Create(1.0 / 23) * u4);
        return (u, two * u * u2 * (q0 + (u8 * (q1 + (u8 * q2)))));
    }

    /// <summary>
    /// The parts of <see cref="Log1pParts"/> over the wider range -½ ≤ f ≤ 1 (|u| ≤ ⅓, t ≤ 1/9), with the series
    /// 1/3 + t/5 + … + t¹⁶/35 (A&amp;S 4.1.27): past it the rest is below 2⁻⁵⁶ of the sum. For f - log(1 + f) = u·f - tail at ratios
    /// from ½ to 2, where f - log(1 + f) computed directly would lose up to 3.6 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T U, T Tail) Log1pPartsWide<T>(T f)
        where T : struct, IWideLane<T>
    {
        var two = T.Create(2);
        var u = f / (two + f);
        var t = u * u;

        // Estrin's scheme over the 17 coefficients 1/(2j + 3): pairs, then pairs of pairs, so the lanes wait on a chain
        // of 5 products instead of 16 (a scalar pair, as in W1, is latency-bound).
        var t2 = t * t;
        var t4 = t2 * t2;
        var t8 = t4 * t4;
        var q0 = (T.Create(1.0 / 3) + (T.Create(1.0 / 5) * t)) + ((T.Create(1.0 / 7) + (T.Create(1.0 / 9) * t)) * t2);
        var q1 = (T.Create(1.0 / 11) + (T.Create(1.0 / 13) * t)) + ((T.Create(1.0 / 15) + (T.Create(1.0 / 17) * t)) * t2);
        var q2 = (T.Create(1.0 / 19) + (T.Create(1.0 / 21) * t)) + ((T.Create(1.0 / 23) + (T.Create(1.0 / 25) * t)) * t2);
        var q3 = (T.Create(1.0 / 27) + (T.Create(1.0 / 29) * t)) + ((T.Create(1.0 / 31) + (T.Create(1.0 / 33) * t)) * t2);
        var q = (q0 + (q1 * t4)) + (((q2 + (q3 * t4)) + (T.Create(1.0 / 35) * t8)) * t8);
        return (u, two * u * t * q);
    }

    /// <summary>
    /// log(2^e · (1 + f)) from the parts of <see cref="Log1pParts"/>: e·log 2 + 2u + tail, with log 2 split so that
    /// e·Ln2Hi is exact (fdlibm's e_log.c).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Assemble<T>(T e, T u, T tail)
        where T : struct, IWideLane<T> =>
        (e * T.Create(Ln2Hi)) + (((T.Create(2) * u) + tail) + (e * T.Create(Ln2Lo)));

    /// <summary>
    /// log x for positive normal finite lanes (within about one ulp); other lanes give meaningless values. Not inlined:
    /// the special-function kernels that call it are large, and past the JIT's inlining budget for one method even the
    /// lane operators stop being inlined (a call per addition made log Γ three times slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static T Log<T>(T x)
        where T : struct, IWideLane<T>
    {
        var (m, e, _) = T.SplitAtSqrtHalf(x);
        var (u, tail) = Log1pParts(m - T.Create(1));
        return Assemble(e, u, tail);
    }

    /// <summary>Σ_{k &lt; terms} c[k]·zᵏ by Horner (the special functions' tabled series).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Horner<T>(double[] c, int terms, T z)
        where T : struct, IWideLane<T>
    {
        var p = T.Create(c[terms - 1]);
        for (int k = terms - 2; k >= 0; k--)
        {
            p = (p * z) + T.Create(c[k]);
        }

        return p;
    }

    /// <summary>
    /// 2⁵² + 1023: added to a whole k from -1022 to 1023, the sum's low bits hold the biased exponent k + 1023, which a
    /// shift left by 52 moves into the exponent field (<see cref="IWideLane{TSelf}.PowerOfTwo"/>).
    /// </summary>
    internal const double PowerOfTwoBias = 4503599627371519.0;

    /// <summary>1/log 2 (fdlibm e_exp.c's invln2).</summary>
    private const double InverseLn2 = 1.44269504088896338700e+00;

    /// <summary>
    /// e^x in IEEE operations only (so every width gives the same bits, unlike the runtime's vector exponential, whose
    /// last bit depended on the JIT tier here): x = k log 2 + r with |r| ≤ ½ log 2, k = ⌊x/log 2 + ½⌋, r taken as
    /// (x - k·Ln2Hi) - k·Ln2Lo (an exact first step, fdlibm's e_exp.c); e^r = 1 + (r + r²q(r)) from its Taylor series to
    /// r¹³ (the rest is below 6e-18 of it), q by Estrin's scheme and the 1 added last; then 2^k as two exact powers of
    /// two, so results down to the subnormals round once. x is clamped to [-746, 710] first (e^x is 0 or +∞ beyond);
    /// NaN stays NaN. Measured against mpmath: within 0.92 ulp, nine values in ten correctly rounded.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static T Exp<T>(T x)
        where T : struct, IWideLane<T>
    {
        var low = T.Create(-746);
        var high = T.Create(710);
        var clamped = T.Select(T.LessThan(x, low), low, T.Select(T.LessThan(high, x), high, x));
        var k = T.Floor((clamped * T.Create(InverseLn2)) + T.Create(0.5));
        var r = (clamped - (k * T.Create(Ln2Hi))) - (k * T.Create(Ln2Lo));
        var r2 = r * r;
        var r4 = r2 * r2;
        var r8 = r4 * r4;
        var q0 = (T.Create(1.0 / 2) + (T.Create(1.0 / 6) * r)) + ((T.Create(1.0 / 24) + (T.Create(1.0 / 120) * r)) * r2);
        var q1 = (T.Create(1.0 / 720) + (T.Create(1.0 / 5040) * r)) + ((T.Create(1.0 / 40320) + (T.Create(1.0 / 362880) * r)) * r2);
        var q2 = (T.Create(1.0 / 3628800) + (T.Create(1.0 / 39916800) * r)) + ((T.Create(1.0 / 479001600) + (T.Create(1.0 / 6227020800) * r)) * r2);
        var p = T.Create(1) + (r + (r2 * ((q0 + (q1 * r4)) + (q2 * r8))));
        var half = T.Floor(k * T.Create(0.5));
        return p * T.PowerOfTwo(half) * T.PowerOfTwo(k - half);
    }
}
