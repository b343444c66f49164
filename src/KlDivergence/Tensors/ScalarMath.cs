using MathNet.Numerics;

namespace KlDivergence.Tensors;

/// <summary>Scalar special functions the element-wise kernels need beyond System.Math.</summary>
internal static class ScalarMath
{
    public const double LogSqrtTwoPi = 0.91893853320467274178032973640562;
    public const double InvSqrtTwoPi = 0.39894228040143267793994605993438;
    public const double SqrtHalf = 0.70710678118654752440084436210485;

    /// <summary>log(1 + e^x) without overflow: max(x, 0) + log1p(e^{-|x|}).</summary>
    public static double Softplus(double x) => Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x)));

    /// <summary>
    /// log(1 + x) accurate to a few ulps for tiny x (.NET's double.LogP1 computes log(1 + x) naively).
    /// Goldberg (1991), "What every computer scientist should know about floating-point arithmetic", Thm 4:
    /// with u = 1 + x rounded, log1p(x) = log(u) · x / (u - 1).
    /// </summary>
    public static double Log1p(double x)
    {
        double u = 1 + x;
        double d = u - 1;
        return d == 0 ? x : double.IsPositiveInfinity(u) ? u : Math.Log(u) * (x / d);
    }

    /// <summary>
    /// e^x - 1 accurate for tiny x (.NET's double.ExpM1 computes e^x - 1 naively). Kahan's trick:
    /// with u = e^x rounded, expm1(x) = (u - 1) · x / log(u); used where |x| &lt; ½ (elsewhere u - 1 is exact enough).
    /// </summary>
    public static double Expm1(double x)
    {
        if (Math.Abs(x) >= 0.5 || double.IsNaN(x))
        {
            return Math.Exp(x) - 1;
        }

        double u = Math.Exp(x);
        if (u == 1)
        {
            return x;
        }

        double d = u - 1;
        return d == -1 ? -1 : d * x / Math.Log(u);
    }

    /// <summary>
    /// e^x - 1 - x without cancellation: for |x| &lt; ½ the Taylor series x² Σ_{k=0}^{15} x^k/(k+2)! (the first omitted
    /// term is below 1e-18 of the sum), its polynomial by Estrin's scheme (pairs, then x², x⁴ and x⁸: a dependency
    /// chain of five multiply-adds where Horner's rule has sixteen; Knuth, TAOCP vol. 2, sec. 4.6.4); beyond, e^x - 1 - x
    /// directly, where the cancellation costs at most a factor ~11 (about 1e-15 relative). The scalar entry runs
    /// <see cref="Expm1MinusXLanes"/> in one lane, so it gives the span entry's bits.
    /// </summary>
    public static double Expm1MinusX(double x) => Expm1MinusXLanes(new WideLaneScalar(x)).Value;

    /// <summary><see cref="Expm1MinusX(double)"/> in every lane: the series where |x| &lt; ½, else e^x - 1 - x.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static T Expm1MinusXLanes<T>(T x)
        where T : struct, IWideLane<T>
    {
        var exponential = LaneMath.Exp(x);
        return T.Select(SeriesRange(x), ExpTaylorEstrin(x), (exponential - T.Create(1)) - x);
    }

    /// <summary>
    /// e^x - 1 in every lane from the same pieces: x plus the series where |x| &lt; ½ (the derivative of
    /// <see cref="Expm1MinusXLanes"/>), else e^x - 1, which loses at most about a bit and a half there.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static T Expm1Lanes<T>(T x)
        where T : struct, IWideLane<T> =>
        T.Select(SeriesRange(x), x + ExpTaylorEstrin(x), LaneMath.Exp(x) - T.Create(1));

    /// <summary>The lanes with |x| &lt; ½, where e^x - 1 - x is taken from its series.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static T SeriesRange<T>(T x)
        where T : struct, IWideLane<T>
    {
        var half = T.Create(0.5);
        return T.Select(T.LessThan(x, half), T.LessThan(T.Create(-0.5), x), T.LessThan(half, half));
    }

    /// <summary>x² Σ_{k=0}^{15} x^k/(k+2)! by Estrin's scheme: the one polynomial behind the scalar and vector <see cref="Expm1MinusX(double)"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static T ExpTaylorEstrin<T>(T x)
        where T : ILane<T>
    {
        T x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
        T q0 = T.Create(1.0 / 2) + (T.Create(1.0 / 6) * x), q1 = T.Create(1.0 / 24) + (T.Create(1.0 / 120) * x);
        T q2 = T.Create(1.0 / 720) + (T.Create(1.0 / 5040) * x), q3 = T.Create(1.0 / 40320) + (T.Create(1.0 / 362880) * x);
        T q4 = T.Create(1.0 / 3628800) + (T.Create(1.0 / 39916800) * x), q5 = T.Create(1.0 / 479001600) + (T.Create(1.0 / 6227020800) * x);
        T q6 = T.Create(1.0 / 87178291200) + (T.Create(1.0 / 1307674368000) * x), q7 = T.Create(1.0 / 20922789888000) + (T.Create(1.0 / 355687428096000) * x);
        T r0 = q0 + (q1 * x2), r1 = q2 + (q3 * x2), r2 = q4 + (q5 * x2), r3 = q6 + (q7 * x2);
        T s0 = r0 + (r1 * x4), s1 = r2 + (r3 * x4);
        return (s0 + (s1 * x8)) * x2;
    }

    /// <summary>
    /// <see cref="Expm1MinusX(double)"/> over a span at the machine's widest vector width (the same bits as the scalar
    /// entry); <paramref name="y"/> may be <paramref name="x"/> itself but no other overlapping span.
    /// </summary>
    public static void Expm1MinusX(ReadOnlySpan<double> x, Span<double> y)
    {
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Expm1MinusX<WideLane512>(x, y);
        }
        else if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            Expm1MinusX<WideLane256>(x, y);
        }
        else
        {
            Expm1MinusX<WideLaneScalar>(x, y);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Expm1MinusX<T>(ReadOnlySpan<double> x, Span<double> y)
        where T : struct, IWideLane<T>
    {
        ref double xs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref double ys = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i <= x.Length - T.Count; i += T.Count)
        {
            Expm1MinusXLanes(T.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
        }

        for (; i < x.Length; i++)
        {
            y[i] = Expm1MinusX(x[i]);
        }
    }

    /// <summary>
    /// Vectorised <see cref="Log1p(double)"/> over a span (x and y must not overlap): the logarithm of u = 1 + x
    /// runs as one vector pass, then Goldberg's correction log(u) · x/(u - 1) is applied with vector
    /// operations (x itself where u - 1 = 0, the logarithm unchanged where u = +∞).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Log1p(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Overlaps(y))
        {
            double[] copy = System.Buffers.ArrayPool<double>.Shared.Rent(x.Length);
            try
            {
                x.CopyTo(copy);
                Log1p(copy.AsSpan(0, x.Length), y);
            }
            finally
            {
                System.Buffers.ArrayPool<double>.Shared.Return(copy);
            }

            return;
        }

        System.Numerics.Tensors.TensorPrimitives.Add(x, 1.0, y);
        System.Numerics.Tensors.TensorPrimitives.Log(y, y);
        int i = 0;
        int w = System.Numerics.Vector<double>.Count;
        var one = System.Numerics.Vector<double>.One;
        var inf = new System.Numerics.Vector<double>(double.PositiveInfinity);
        for (; i <= x.Length - w; i += w)
        {
            var xv = new System.Numerics.Vector<double>(x.Slice(i, w));
            var yv = new System.Numerics.Vector<double>(y.Slice(i, w));
            var u = xv + one;
            var d = u - one;
            var corrected = System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.Equals(d, System.Numerics.Vector<double>.Zero), xv, yv * (xv / d));
            System.Numerics.Vector.ConditionalSelect(System.Numerics.Vector.Equals(u, inf), yv, corrected).CopyTo(y.Slice(i, w));
        }

        for (; i < x.Length; i++)
        {
            y[i] = Log1p(x[i]);
        }
    }

    /// <summary>Standard normal CDF, Φ(x) = ½ erfc(-x/√2) (<see cref="ErrorFunction"/>).</summary>
    public static double NormalCdf(double x) => ErrorFunction.NormalCdf(x);

    /// <summary>
    /// log Φ(x), accurate in both tails: log1p(-Φ(-x)) for large x, the erfc form in the middle, and for
    /// x &lt; -35 (where erfc underflows) the asymptotic series of Abramowitz &amp; Stegun 26.2.12.
    /// </summary>
    public static double LogNormalCdf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x > 5)
        {
            return Log1p(-0.5 * ErrorFunction.Erfc(x * SqrtHalf));
        }

        if (x > -35)
        {
            return Math.Log(0.5 * ErrorFunction.Erfc(-x * SqrtHalf));
        }

        if (double.IsNegativeInfinity(x))
        {
            return double.NegativeInfinity;
        }

        double z = 1 / (x * x);
        double series = 1 - (z * (1 - (3 * z * (1 - (5 * z)))));
        return (-0.5 * x * x) - Math.Log(-x) - LogSqrtTwoPi + Math.Log(series);
    }
}
