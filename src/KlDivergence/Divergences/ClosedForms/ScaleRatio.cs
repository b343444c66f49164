using System.Runtime.CompilerServices;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// Functions of the ratio r = a/b of two positive scales (or rates) that stay accurate over the whole double range,
/// the primitives the scale terms of the location-scale closed forms are written with: ratios from 1e-300 to 1e300
/// neither overflow nor lose the nearly-equal case. Three regimes:
/// <list type="bullet">
/// <item>½ ≤ r ≤ 2: log r = log1p(δ) with δ = (a - b)/b, where a - b is exact (Sterbenz's lemma), so nearly equal
/// scales keep full relative accuracy; log1p(δ) = 2u + tail and δ - log1p(δ) = u·δ - tail from the series of atanh u,
/// u = δ/(2 + δ) (<see cref="LaneMath.Log1pPartsWide"/>), so the scale term has no cancellation either;</item>
/// <item>r a normal, finite double: r itself (one rounding) and log r = e·log 2 + log m (about 1e-16 absolute
/// error);</item>
/// <item>otherwise (the ratio underflows or overflows): log r = log a - log b, whose absolute error (a few ulps of
/// |log a| + |log b| ≤ 1500) is tiny next to |log r| &gt; 708; then r^k is 0 or +∞.</item>
/// </list>
/// The first two are written once over <see cref="IWideLane{TSelf}"/> (<see cref="LogKernel"/>,
/// <see cref="TermKernel{TPower}"/>, <see cref="PowerMinusOneKernel{TPower}"/>) and run eight pairs at a time over
/// tensors and in one lane for doubles, so both give the same bits; the third is their scalar fallback.
/// <see cref="IRealArithmetic{TSelf}"/> has no branch, so the generic entries dispatch on the type: scalar code for
/// <see cref="Real"/> (the type test disappears when the JIT specialises it), and for tensors one recorded op with its
/// analytic partial derivatives.
/// </summary>
internal static class ScaleRatio
{
    /// <summary>log(a/b) for the arithmetic type of a closed form (<see cref="Real"/> or <see cref="Tensor"/>).</summary>
    public static T Log<T>(T a, T b)
        where T : IRealArithmetic<T>
    {
        if (typeof(T) == typeof(Real))
        {
            Real r = Log(Unsafe.As<T, Real>(ref a).Value, Unsafe.As<T, Real>(ref b).Value);
            return Unsafe.As<Real, T>(ref r);
        }

        return (T)(object)Log(AsTensor(a), AsTensor(b));
    }

    /// <summary>
    /// (r^k - 1)/k - log r with r = a/b and k = <paramref name="power"/> (1 or 2): the non-negative scale term of
    /// the exponential (k = 1) and normal (k = 2) KLs, +∞ only where r^k/k overflows.
    /// </summary>
    public static T Term<T>(T a, T b, int power)
        where T : IRealArithmetic<T>
    {
        if (typeof(T) == typeof(Real))
        {
            Real r = Term(Unsafe.As<T, Real>(ref a).Value, Unsafe.As<T, Real>(ref b).Value, power);
            return Unsafe.As<Real, T>(ref r);
        }

        return (T)(object)Term(AsTensor(a), AsTensor(b), power);
    }

    /// <summary>log(a/b) for positive doubles.</summary>
    public static double Log(double a, double b) => LaneMap.Scalar<LogKernel>(a, b);

    /// <summary>(r^k - 1)/k - log r for positive doubles, k = <paramref name="power"/> (1 or 2).</summary>
    public static double Term(double a, double b, int power) =>
        power == 2 ? LaneMap.Scalar<TermKernel<Two>>(a, b) : LaneMap.Scalar<TermKernel<One>>(a, b);

    /// <summary>r^k - 1 for r = a/b, k = <paramref name="power"/> (1 or 2).</summary>
    public static double PowerMinusOne(double a, double b, int power) =>
        power == 2 ? LaneMap.Scalar<PowerMinusOneKernel<Two>>(a, b) : LaneMap.Scalar<PowerMinusOneKernel<One>>(a, b);

    /// <summary>
    /// log(a/b) over broadcast tensors (<see cref="LogKernel"/>, the scalar entry's bits), differentiable with
    /// ∂/∂a = 1/a, ∂/∂b = -1/b.
    /// </summary>
    public static Tensor Log(Tensor a, Tensor b) => LaneOp<LogKernel>(a, b, null);

    /// <summary>
    /// (r^k - 1)/k - log r over broadcast tensors (<see cref="TermKernel{TPower}"/>), differentiable with
    /// ∂/∂a = (r^k - 1)/a and ∂/∂b = -(r^k - 1)/b.
    /// </summary>
    public static Tensor Term(Tensor a, Tensor b, int power) => power == 2
        ? LaneOp<TermKernel<Two>>(a, b, static (x, y, d) => LaneMap.Map<PowerMinusOneKernel<Two>>(x, y, d))
        : LaneOp<TermKernel<One>>(a, b, static (x, y, d) => LaneMap.Map<PowerMinusOneKernel<One>>(x, y, d));

    /// <summary>
    /// A lane kernel of (a, b) over broadcast tensors as one recorded op whose partials are ∂/∂a = c/a and
    /// ∂/∂b = -c/b, with c = 1 (<paramref name="numerator"/> null) or the values it writes.
    /// </summary>
    private static Tensor LaneOp<TKernel>(Tensor a, Tensor b, SpanFunction? numerator)
        where TKernel : IBinaryLaneKernel
    {
        int[] shape = Shapes.Broadcast(a.ShapeArray, b.ShapeArray);
        double[] av = Expand(a, shape), bv = Expand(b, shape);
        var y = new double[av.Length];
        LaneMap.Map<TKernel>(av, bv, y);
        return Tensor.Record(new Tensor(y, shape), [a, b], g =>
        {
            double[]? c = null;
            if (numerator is not null)
            {
                c = new double[av.Length];
                numerator(av, bv, c);
            }

            return [a.RequiresGrad ? Quotient(g, c, av, 1, shape, a.ShapeArray) : null, b.RequiresGrad ? Quotient(g, c, bv, -1, shape, b.ShapeArray) : null];
        });
    }

    /// <summary>A kernel over spans (inputs, then output).</summary>
    private delegate void SpanFunction(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y);

    /// <summary>sign · g · c / x element by element (c = 1 when null), summed to the input's shape.</summary>
    private static Tensor Quotient(Tensor g, double[]? c, double[] x, double sign, int[] shape, int[] inputShape)
    {
        var gradient = new double[x.Length];
        System.Numerics.Tensors.TensorPrimitives.Divide(g.Data, x, gradient);
        if (c is not null)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, c, gradient);
        }

        if (sign < 0)
        {
            System.Numerics.Tensors.TensorPrimitives.Negate(gradient, gradient);
        }

        return TensorOps.SumTo(new Tensor(gradient, shape), inputShape);
    }

    /// <summary>The power k of a term, as a type so each kernel is compiled for its own k.</summary>
    internal interface IPower
    {
        static abstract bool Squared { get; }
    }

    internal readonly struct One : IPower
    {
        public static bool Squared => false;
    }

    internal readonly struct Two : IPower
    {
        public static bool Squared => true;
    }

    /// <summary>
    /// What the kernels share, given 1/b (so a caller with one b for many a divides once): r = a/b, δ = (a - b)/b,
    /// and log r's parts: from δ for ½ ≤ r ≤ 2 (e = 0), else from r = 2^e·m with m in [√½, √2); and the lanes whose r
    /// is a normal finite double (the first two regimes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (T Delta, T Far, T U, T Tail, T Log, uint Good) Parts<T>(T a, T b, T inverse)
        where T : struct, IWideLane<T>
    {
        var one = T.Create(1);
        var zero = T.Create(0);
        var ratio = a * inverse;
        var delta = (a - b) * inverse;
        var far = T.Select(T.LessThan(ratio, T.Create(0.5)), T.LessThan(zero, one), T.LessThan(T.Create(2), ratio));
        var (m, e, _) = T.SplitAtSqrtHalf(ratio);

        // One series for every lane (|u| ≤ ⅓): from δ for ½ ≤ r ≤ 2, from m - 1 beyond. Computing the short series
        // too, for the lanes that allow it, and selecting cost W1b (a batch of random ratios) 2.7x: most vectors hold
        // a lane between √2 and 2 or ½ and √½.
        var (u, tail) = LaneMath.Log1pPartsWide(T.Select(far, m - one, delta));
        var log = LaneMath.Assemble(T.Select(far, e, zero), u, tail);
        return (delta, far, u, tail, log, T.NormalAndFinite(ratio, ratio));
    }

    /// <summary>log(a/b).</summary>
    private readonly struct LogKernel : IBinaryLaneKernel
    {
        public static T Lanes<T>(T a, T b, out uint good)
            where T : struct, IWideLane<T>
        {
            var parts = Parts(a, b, T.Create(1) / b);
            good = parts.Good;
            return parts.Log;
        }

        public static double Outside(double a, double b) => Math.Log(a) - Math.Log(b);
    }

    /// <summary>(r^k - 1)/k - log r (<see cref="TermLanes"/>).</summary>
    private readonly struct TermKernel<TPower> : IBinaryLaneKernel
        where TPower : IPower
    {
        public static T Lanes<T>(T a, T b, out uint good)
            where T : struct, IWideLane<T> => TermLanes<T, TPower>(a, b, T.Create(1) / b, out good);

        public static double Outside(double a, double b)
        {
            int power = TPower.Squared ? 2 : 1;
            return ScalarMath.Expm1MinusX(power * (Math.Log(a) - Math.Log(b))) / power;
        }
    }

    /// <summary>
    /// (r^k - 1)/k - log r = (δ - log r) + [k = 2] δ²/2, with δ - log r = u·δ - tail for ½ ≤ r ≤ 2, given 1/b; the
    /// lanes whose value stands. The Normal KL's vector kernel takes its scale term from here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T TermLanes<T, TPower>(T a, T b, T inverse, out uint good)
        where T : struct, IWideLane<T>
        where TPower : IPower
    {
        var (delta, far, u, tail, log, normal) = Parts(a, b, inverse);
        var value = T.Select(far, delta - log, (u * delta) - tail);
        if (TPower.Squared)
        {
            value += T.Create(0.5) * delta * delta;
        }

        good = normal & T.NormalAndFinite(T.Create(1), value);
        return value;
    }

    /// <summary>r^k - 1 = δ (k = 1) or δ(2 + δ) (k = 2).</summary>
    private readonly struct PowerMinusOneKernel<TPower> : IBinaryLaneKernel
        where TPower : IPower
    {
        public static T Lanes<T>(T a, T b, out uint good)
            where T : struct, IWideLane<T>
        {
            var inverse = T.Create(1) / b;
            var ratio = a * inverse;
            var delta = (a - b) * inverse;
            var value = TPower.Squared ? delta * (T.Create(2) + delta) : delta;
            good = T.NormalAndFinite(ratio, ratio) & T.NormalAndFinite(ratio, value);
            return value;
        }

        public static double Outside(double a, double b) =>
            ScalarMath.Expm1((TPower.Squared ? 2 : 1) * (Math.Log(a) - Math.Log(b)));
    }

    /// <summary>
    /// a log(a/b) - a + b ≥ 0 for positive doubles (the Poisson KL): b·g(t) with t = (a - b)/b
    /// (<see cref="RelativeEntropyParts"/>), no cancellation for nearly equal a and b and no overflow of the ratio.
    /// </summary>
    public static double RelativeEntropyTerm(double a, double b) => LaneMap.Scalar<RelativeEntropyKernel>(a, b);

    /// <summary>
    /// a log(a/b) - a + b over broadcast tensors, differentiable: ∂/∂a = log(a/b), ∂/∂b = 1 - a/b.
    /// </summary>
    public static Tensor RelativeEntropyTerm(Tensor a, Tensor b) =>
        CostlyPairOp.Record(
            a,
            b,
            static (x, y, value) => LaneMap.Map<RelativeEntropyKernel>(x, y, value),
            static (x, y, slope) => LaneMap.Map<LogKernel>(x, y, slope),
            static (x, y, slope) =>
            {
                LaneMap.Map<PowerMinusOneKernel<One>>(x, y, slope);
                System.Numerics.Tensors.TensorPrimitives.Negate(slope, slope);
            });

    /// <summary>
    /// g(t) = (1 + t) log(1 + t) - t ≥ 0, h(t) = t - log(1 + t) ≥ 0 and log(1 + t) for t &gt; -1, where 1 + t is
    /// <paramref name="numerator"/>/<paramref name="denominator"/> (positive normal doubles) and t is passed as well, taken
    /// from an exact difference by the caller so that nearly equal values keep their relative accuracy:
    /// <list type="bullet">
    /// <item>-½ ≤ t ≤ 1: log(1 + t) = 2u + tail from atanh's series (<see cref="LaneMath.Log1pPartsWide"/>), and since
    /// 2u(1 + t) - t = ut, g = ut + (1 + t)·tail and h = ut - tail: sums whose terms cancel by at most a tenth;</item>
    /// <item>beyond: g = (1 + t)·log(1 + t) - t and h = t - log(1 + t), which cannot cancel there, with log(1 + t)
    /// the logarithm of the quotient, or the difference of the two logarithms where the quotient leaves the normal doubles
    /// (g is then +∞ or NaN for a quotient that overflows: the caller checks).</item>
    /// </list>
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T G, T H, T Log) RelativeEntropyParts<T>(T t, T numerator, T denominator)
        where T : struct, IWideLane<T>
    {
        var one = T.Create(1);
        var (u, tail) = LaneMath.Log1pPartsWide(t);
        var log = (T.Create(2) * u) + tail;
        var g = (u * t) + ((one + t) * tail);
        var h = (u * t) - tail;
        var far = BeyondSeries(t);
        if (T.MaskBits(far) != 0)
        {
            var ratio = numerator / denominator;
            var farLog = FarLog(ratio, numerator, denominator);
            log = T.Select(far, farLog, log);
            g = T.Select(far, (ratio * farLog) - t, g);
            h = T.Select(far, t - farLog, h);
        }

        return (g, h, log);
    }

    /// <summary>The lanes with t &lt; -½ or t &gt; 1, beyond the range of <see cref="RelativeEntropyParts"/>'s series.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T BeyondSeries<T>(T t)
        where T : struct, IWideLane<T> =>
        T.Select(T.LessThan(t, T.Create(-0.5)), T.LessThan(T.Create(0), T.Create(1)), T.LessThan(T.Create(1), t));

    /// <summary>log(n/d) for positive normal n and d, given r = n/d: log r where r is normal, else log n - log d.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T FarLog<T>(T ratio, T numerator, T denominator)
        where T : struct, IWideLane<T>
    {
        var log = LaneMath.Log(ratio);
        var tiny = T.LessThan(ratio, T.Create(2.2250738585072014E-308));
        var outside = T.Select(tiny, tiny, T.LessThan(T.Create(double.MaxValue), ratio));
        return T.MaskBits(outside) == 0 ? log : T.Select(outside, LaneMath.Log(numerator) - LaneMath.Log(denominator), log);
    }

    /// <summary>a log(a/b) - a + b = b·g(t), t = (a - b)/b (a - b exact for nearly equal a and b, Sterbenz's lemma).</summary>
    private readonly struct RelativeEntropyKernel : IBinaryLaneKernel
    {
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static T Lanes<T>(T a, T b, out uint good)
            where T : struct, IWideLane<T>
        {
            var (g, _, _) = RelativeEntropyParts((a - b) / b, a, b);
            var value = b * g;
            good = T.NormalAndFinite(a, value) & T.NormalAndFinite(b, value);
            return value;
        }

        /// <summary>Zero, subnormal, infinite or NaN rates, or a ratio beyond the double range (no cancellation there).</summary>
        public static double Outside(double a, double b) => a == b ? 0 : (a * (Math.Log(a) - Math.Log(b))) - (a - b);
    }

    /// <summary>True for a normal (not subnormal, not zero), finite, positive double.</summary>
    public static bool IsNormalFinite(double x) => x >= 2.2250738585072014E-308 && x <= double.MaxValue;

    private static Tensor AsTensor<T>(T value) =>
        value as Tensor ?? throw new NotSupportedException($"No scale-ratio kernel for {typeof(T).Name}.");

    private static double[] Expand(Tensor t, int[] shape) =>
        Shapes.Equal(t.ShapeArray, shape) ? t.Data : Shapes.BroadcastData(t.Data, t.ShapeArray, shape);
}
