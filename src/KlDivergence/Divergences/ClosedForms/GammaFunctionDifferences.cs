using System.Runtime.CompilerServices;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// Differences of log Γ and ψ at two arguments computed without the catastrophic cancellation of the direct
/// differences: at a = 1e8, log Γ(a) ≈ 1.7e9 while the Gamma KL to a + 1 is 5e-9, so log Γ(a + 1) - log Γ(a) - ψ(a)
/// loses every digit. The Gamma, Beta and Dirichlet KLs are sums of
/// <c>E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a)</c> (≥ 0, the Bregman divergence of log Γ); their gradients in the
/// second distribution's concentrations are ψ(b) - ψ(a).
/// <para>
/// Method (both written once over <see cref="IWideLane{TSelf}"/>, eight pairs at a time, the scalar entries running
/// the same code in one lane): with δ = b - a as given (exact when a and b are close, Sterbenz's lemma), shift both
/// arguments up by n so that min(a, b) + n ≥ 10 with the recurrences log Γ(x + 1) = log Γ(x) + log x and
/// ψ(x + 1) = ψ(x) + 1/x. E picks up h(sᵢ) = sᵢ - log(1 + sᵢ) ≥ 0 per shift, sᵢ = δ/(a + i), and ψ(b) - ψ(a) picks up
/// δ/((a + i)(b + i)): terms of one sign, no cancellation. At A = a + n, B = b + n, t = δ/A, Stirling's series
/// log Γ(x) = (x - ½) log x - x + ½ log 2π + Σₖ cₖ x^{1-2k}, cₖ = B₂ₖ/(2k(2k - 1)) (Abramowitz &amp; Stegun 6.1.40), and
/// ψ(x) = log x - 1/(2x) - Σₖ c'ₖ x^{-2k}, c'ₖ = B₂ₖ/(2k) (A&amp;S 6.3.18), are differenced term by term in t:
/// <list type="bullet">
/// <item>E(A, B) = A·g(t) + ½h(t) + Σₖ cₖ t² Pₘ(t)/B^m with g(t) = (1 + t) log(1 + t) - t, m = 2k - 1 and
/// (1 + t)^{-m} - 1 + mt = t²Pₘ(t)/(1 + t)^m, Pₘ's coefficients m·C(m, j + 1) - C(m, j + 2) (from
/// 1 - (1 - mt)(1 + t)^m);</item>
/// <item>ψ(B) - ψ(A) = log(1 + t) + t/(2B) + Σₖ c'ₖ t R₂ₖ(t)/B^{2k} with (1 + t)^{2k} - 1 = t R₂ₖ(t), R₂ₖ's
/// coefficients C(2k, j + 1);</item>
/// </list>
/// g, h and log(1 + t) from <see cref="ScaleRatio.RelativeEntropyParts"/>. For t below -½ or above 1 the Stirling terms
/// are differenced directly (no cancellation there). Eight terms leave a relative error below a quarter of an ulp at
/// A ≥ 10: the first left out, c₉ f₁₇(t)/A¹⁷ ≈ c₉·17·18 t²/(2A¹⁷), is 55/A¹⁸ ≤ 5.5e-17 of E ≈ A t²/2 (the series'
/// error is bounded by its first omitted term for real arguments). Shifting to 14 instead cost a third more time and
/// was no more accurate (more shifted terms, more roundings); to 8, the mean error of pairs a few shifts apart was
/// -0.6 ulp. Pairs with a zero, subnormal, infinite or NaN argument are
/// redone by scalar code. The accuracy is measured against 90-digit mpmath values in the tests.
/// </para>
/// </summary>
internal static class GammaFunctionDifferences
{
    /// <summary>Arguments are shifted up to at least this before the Stirling series are differenced.</summary>
    private const double AsymptoticFrom = 10;

    /// <summary>The Stirling terms of E: cₖ·(m·C(m, j + 1) - C(m, j + 2)) at [k - 1][j], m = 2k - 1, k = 1..8.</summary>
    private static readonly double[][] ExcessPolynomials = [.. Enumerable.Range(0, 8).Select(k => Enumerable.Range(0, 2 * k + 1).Select(j => GammaFunctions.LogGammaStirling[k] * (((2 * k + 1) * Binomial(2 * k + 1, j + 1)) - Binomial(2 * k + 1, j + 2))).ToArray())];

    /// <summary>The Stirling terms of ψ(B) - ψ(A): c'ₖ·C(2k, j + 1) at [k - 1][j], k = 1..8.</summary>
    private static readonly double[][] DifferencePolynomials = [.. Enumerable.Range(0, 8).Select(k => Enumerable.Range(0, 2 * k + 2).Select(j => GammaFunctions.DigammaAsymptotic[k] * Binomial(2 * k + 2, j + 1)).ToArray())];

    /// <summary>m·cₖ, m = 2k - 1: the slopes of the log Γ Stirling terms, for E's direct form.</summary>
    private static readonly double[] StirlingSlopes = [.. GammaFunctions.LogGammaStirling.Select((c, k) => ((2 * k) + 1) * c)];

    /// <summary>E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a) for a, b &gt; 0 (see the type's remarks).</summary>
    public static double LogGammaExcess(double a, double b) => LaneMap.Scalar<ExcessKernel>(a, b);

    /// <summary>ψ(b) - ψ(a) for a, b &gt; 0, without cancellation when a and b are large and close.</summary>
    public static double DigammaDifference(double a, double b) => LaneMap.Scalar<DifferenceKernel>(a, b);

    /// <summary>
    /// E(a, b) over broadcast tensors, differentiable: ∂E/∂a = -(b - a)ψ₁(a) and ∂E/∂b = ψ(b) - ψ(a)
    /// (<see cref="DigammaDifference(double, double)"/>).
    /// </summary>
    public static Tensor LogGammaExcess(Tensor a, Tensor b) =>
        CostlyPairOp.Record(
            a,
            b,
            static (x, y, value) => LaneMap.Map<ExcessKernel>(x, y, value),
            static (x, y, slope) => ExcessSlope(x, y, slope),
            static (x, y, slope) => LaneMap.Map<DifferenceKernel>(x, y, slope));

    /// <summary>∂E/∂a = -(b - a)ψ₁(a), 0 where a = b.</summary>
    private static void ExcessSlope(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> slope)
    {
        GammaFunctions.Trigamma(a, slope);
        for (int i = 0; i < slope.Length; i++)
        {
            slope[i] = a[i] == b[i] ? 0 : (a[i] - b[i]) * slope[i];
        }
    }

    /// <summary>E(a, b) (see the type's remarks).</summary>
    private readonly struct ExcessKernel : IBinaryLaneKernel
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static T Lanes<T>(T a, T b, out uint good)
            where T : struct, IWideLane<T>
        {
            var (shifted, big, bigB, t) = Shifted<T, ExcessShift>(a, b);
            var (g, h, _) = ScaleRatio.RelativeEntropyParts(t, bigB, big);
            var stirling = StirlingExcess(t, T.Create(1) / bigB, T.Create(1) / big);

            // Every lane with normal finite arguments stands: its terms are non-negative but for the Stirling
            // corrections (below a hundredth of the rest), so a sum that overflows is an E beyond the double range.
            good = T.NormalAndFinite(a, a) & T.NormalAndFinite(b, b);
            return (((big * g) + (T.Create(0.5) * h)) + stirling) + shifted;
        }

        public static double Outside(double a, double b)
        {
            if (double.IsNaN(a) || double.IsNaN(b) || a <= 0 || b <= 0 || double.IsPositiveInfinity(a))
            {
                return double.NaN;
            }

            if (a == b)
            {
                return 0;
            }

            if (double.IsPositiveInfinity(b))
            {
                return double.PositiveInfinity;
            }

            // A subnormal argument: one shift in scalar code, E(a, b) = E(a + 1, b + 1) + h(δ/a), h a function of b/a
            // only, so both are scaled exactly into the normal range when they fit (a logarithm of a subnormal is off by
            // up to 1e-13).
            int scale = Math.Max(a, b) < 1e-200 ? 600 : 0;
            return LogGammaExcess(a + 1, b + 1) + ScaleRatio.Term(Math.ScaleB(b, scale), Math.ScaleB(a, scale), 1);
        }
    }

    /// <summary>ψ(b) - ψ(a) (see the type's remarks).</summary>
    private readonly struct DifferenceKernel : IBinaryLaneKernel
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static T Lanes<T>(T a, T b, out uint good)
            where T : struct, IWideLane<T>
        {
            var (shifted, big, bigB, t) = Shifted<T, DifferenceShift>(a, b);
            var (_, _, log) = ScaleRatio.RelativeEntropyParts(t, bigB, big);
            var v = T.Create(1) / bigB;
            var stirling = StirlingDifference(t, v, T.Create(1) / big);

            // Terms of one sign (δ's), each finite for normal finite arguments.
            good = T.NormalAndFinite(a, a) & T.NormalAndFinite(b, b);
            return ((log + (T.Create(0.5) * t * v)) + stirling) + shifted;
        }

        public static double Outside(double a, double b)
        {
            if (double.IsNaN(a) || double.IsNaN(b) || a <= 0 || b <= 0 || (double.IsPositiveInfinity(a) && double.IsPositiveInfinity(b)))
            {
                return double.NaN;
            }

            if (double.IsInfinity(a) || double.IsInfinity(b))
            {
                return double.IsPositiveInfinity(b) ? double.PositiveInfinity : double.NegativeInfinity;
            }

            // A subnormal argument: one shift in scalar code, ψ(b) - ψ(a) = ψ(b + 1) - ψ(a + 1) + δ/(ab).
            return a == b ? 0 : DigammaDifference(a + 1, b + 1) + ((b - a) / Math.Max(a, b) / Math.Min(a, b));
        }
    }

    /// <summary>
    /// Σᵢ of a shift's term over the shifts i with min(a, b) + i &lt; 10, per lane: the shifts whose recurrences carry
    /// log Γ and ψ from a and b to A = a + n and B = b + n; and A, B and t = δ/A with δ = b - a as given.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static (T Sum, T Big, T BigB, T T) Shifted<T, TTerm>(T a, T b)
        where T : struct, IWideLane<T>
        where TTerm : IShiftTerm
    {
        var delta = b - a;
        var one = T.Create(1);
        var zero = T.Create(0);
        var limit = T.Create(AsymptoticFrom);
        var smaller = T.Select(T.LessThan(a, b), a, b);
        var sum = zero;
        var count = zero;
        for (int i = 0; i < AsymptoticFrom; i++)
        {
            var shift = T.Create(i);
            var active = T.LessThan(smaller + shift, limit);
            if (T.MaskBits(active) == 0)
            {
                break;
            }

            sum += T.Select(active, TTerm.Term(a + shift, b + shift, delta), zero);
            count += T.Select(active, one, zero);
        }

        var big = a + count;
        return (sum, big, b + count, delta / big);
    }

    /// <summary>What one shift adds, given x = a + i, y = b + i and δ = b - a.</summary>
    private interface IShiftTerm
    {
        static abstract T Term<T>(T x, T y, T delta)
            where T : struct, IWideLane<T>;
    }

    /// <summary>
    /// E's: h(s) = s - log(1 + s), s = δ/x with δ as given, not (b + i) - (a + i): b + i rounds, and for δ = 1e-6 at
    /// a = 7 that cost 8e-10 of the answer.
    /// </summary>
    private readonly struct ExcessShift : IShiftTerm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Term<T>(T x, T y, T delta)
            where T : struct, IWideLane<T> => ScaleRatio.RelativeEntropyParts(delta / x, y, x).H;
    }

    /// <summary>
    /// ψ(b) - ψ(a)'s: δ/(xy) = 1/x - 1/y, divided by the larger factor first so that it neither overflows nor underflows
    /// before the end.
    /// </summary>
    private readonly struct DifferenceShift : IShiftTerm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Term<T>(T x, T y, T delta)
            where T : struct, IWideLane<T>
        {
            var xSmaller = T.LessThan(x, y);
            return (delta / T.Select(xSmaller, y, x)) / T.Select(xSmaller, x, y);
        }
    }

    /// <summary>Σₖ zᵏ Pₖ(t) over the rows Pₖ of a table (Horner's rule in z over Horner's rule in t).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T PolynomialRows<T>(double[][] rows, T t, T z)
        where T : struct, IWideLane<T>
    {
        var sum = LaneMath.Horner(rows[^1], rows[^1].Length, t);
        for (int k = rows.Length - 2; k >= 0; k--)
        {
            sum = (sum * z) + LaneMath.Horner(rows[k], rows[k].Length, t);
        }

        return sum;
    }

    /// <summary>
    /// Σₖ cₖ [B^{-m} - A^{-m} + m t A^{-m}] (m = 2k - 1) given t, v = 1/B and w = 1/A: as t²·v·Σₖ v^{2k-2} cₖPₘ(t)
    /// for -½ ≤ t ≤ 1, directly beyond.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T StirlingExcess<T>(T t, T v, T w)
        where T : struct, IWideLane<T>
    {
        var v2 = v * v;
        var value = t * t * v * PolynomialRows(ExcessPolynomials, t, v2);
        var far = ScaleRatio.BeyondSeries(t);
        if (T.MaskBits(far) == 0)
        {
            return value;
        }

        var w2 = w * w;
        var terms = GammaFunctions.LogGammaStirling;
        var direct = (v * LaneMath.Horner(terms, terms.Length, v2)) - (w * (LaneMath.Horner(terms, terms.Length, w2) - (t * LaneMath.Horner(StirlingSlopes, terms.Length, w2))));
        return T.Select(far, direct, value);
    }

    /// <summary>
    /// Σₖ c'ₖ [A^{-2k} - B^{-2k}] given t, v = 1/B and w = 1/A: as t·v²·Σₖ v^{2k-2} c'ₖR₂ₖ(t) for -½ ≤ t ≤ 1, directly
    /// beyond.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T StirlingDifference<T>(T t, T v, T w)
        where T : struct, IWideLane<T>
    {
        var v2 = v * v;
        var value = t * v2 * PolynomialRows(DifferencePolynomials, t, v2);
        var far = ScaleRatio.BeyondSeries(t);
        if (T.MaskBits(far) == 0)
        {
            return value;
        }

        var w2 = w * w;
        var terms = GammaFunctions.DigammaAsymptotic;
        var direct = (w2 * LaneMath.Horner(terms, terms.Length, w2)) - (v2 * LaneMath.Horner(terms, terms.Length, v2));
        return T.Select(far, direct, value);
    }

    private static double Binomial(int n, int k)
    {
        if (k < 0 || k > n)
        {
            return 0;
        }

        double c = 1;
        for (int i = 1; i <= k; i++)
        {
            c = c * (n - k + i) / i;
        }

        return c;
    }
}
