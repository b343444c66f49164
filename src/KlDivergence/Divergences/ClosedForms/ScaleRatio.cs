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
    /// a log(a/b) - a + b ≥ 0 for positive doubles (the Poisson KL; b·g(t) with t = (a - b)/b and
    /// g(t) = (1 + t) log(1 + t) - t): b·g(t) from g's series for |t| ≤ ½ (the two first-order terms would cancel),
    /// else a·log(a/b) - (a - b) with <see cref="Log(double, double)"/>, no cancellation and no overflow of the ratio.
    /// </summary>
    public static double RelativeEntropyTerm(double a, double b)
    {
        double t = (a - b) / b;
        return Math.Abs(t) <= 0.5 ? b * OnePlusTLogOnePlusTMinusT(t, 0) : (a * Log(a, b)) - (a - b);
    }

    /// <summary>
    /// a log(a/b) - a + b over broadcast tensors, differentiable: ∂/∂a = log(a/b), ∂/∂b = 1 - a/b.
    /// </summary>
    public static Tensor RelativeEntropyTerm(Tensor a, Tensor b) =>
        Binary(a, b, static (x, y) => RelativeEntropyTerm(x, y), static (x, y) => Log(x, y), static (x, y) => -((x - y) / y));

    /// <summary>
    /// g(t) = (1 + t) log(1 + t) - t = Σ_{j≥2} (-1)^j t^j/(j(j - 1)) for |t| ≤ ½ (Horner from the last term that matters,
    /// <see cref="SeriesTerms"/>), else directly from <paramref name="logOnePlusT"/> = log(1 + t) (no cancellation there).
    /// </summary>
    public static double OnePlusTLogOnePlusTMinusT(double t, double logOnePlusT)
    {
        if (Math.Abs(t) > 0.5)
        {
            return ((1 + t) * logOnePlusT) - t;
        }

        double sum = 0;
        for (int j = SeriesTerms(t); j >= 2; j--)
        {
            sum = EntropySeriesCoefficients[j] + (t * sum);
        }

        return sum * t * t;
    }

    /// <summary>The most terms g's series takes (at |t| near ½).</summary>
    private const int MaxSeriesTerms = 60;

    /// <summary>(-1)^j/(j(j - 1)) at index j (j = 2..<see cref="MaxSeriesTerms"/>): g's series coefficients, divided once.</summary>
    private static readonly double[] EntropySeriesCoefficients = [.. Enumerable.Range(0, MaxSeriesTerms + 1).Select(j => j < 2 ? 0.0 : ((j % 2 == 0) ? 1.0 : -1.0) / (j * (j - 1.0)))];

    /// <summary>
    /// How many terms of g's series Σ_{j≥2} c_j t^j (|c_j| ≤ 1/j, c₂ = ½) decide its value for |t| ≤ ½: with
    /// |t| &lt; 2^-k (k ≥ 2), the terms past J = 1 + ⌈63/k⌉ sum to at most |t|^(J+1)/((J+1)(1 - |t|)), below 2^-63 of
    /// t²/2, so they cannot reach the last bit; for k ≤ 1 (and NaN) all sixty are kept (0.5^60/60 is below 1e-19 of
    /// t²/2), for t = 0 one.
    /// </summary>
    private static int SeriesTerms(double t)
    {
        if (t == 0)
        {
            return 2;
        }

        if (double.IsNaN(t))
        {
            return MaxSeriesTerms;
        }

        int below = -Math.ILogB(t) - 1;
        return below <= 1 ? MaxSeriesTerms : Math.Min(MaxSeriesTerms, 1 + ((63 + below - 1) / below));
    }

    /// <summary>True for a normal (not subnormal, not zero), finite, positive double.</summary>
    public static bool IsNormalFinite(double x) => x >= 2.2250738585072014E-308 && x <= double.MaxValue;

    /// <summary>
    /// An element-wise op over broadcast tensors from a scalar kernel and its two partial derivatives (the
    /// vector-Jacobian product multiplies them by the incoming gradient and sums over broadcast axes). The kernels are
    /// costly (E(a, b) takes a few hundred nanoseconds), so blocks of <see cref="ElementwiseSplit.CostlyBlockSize"/>
    /// pairs run on all cores; each element is its own call, so the bits do not depend on the number of workers.
    /// </summary>
    internal static Tensor Binary(Tensor a, Tensor b, Func<double, double, double> value, Func<double, double, double> partialA, Func<double, double, double> partialB)
    {
        int[] shape = Shapes.Broadcast(a.ShapeArray, b.ShapeArray);
        double[] av = Expand(a, shape), bv = Expand(b, shape);
        var y = new double[av.Length];
        ElementwiseSplit.RunCostly(y.Length, (start, count) =>
        {
            for (int i = start; i < start + count; i++)
            {
                y[i] = value(av[i], bv[i]);
            }
        });

        // Each partial only for an input that needs it: ψ(b) - ψ(a) for a prior's fixed concentration cost as much as E.
        return Tensor.Record(new Tensor(y, shape), [a, b], g =>
            [a.RequiresGrad ? Partial(partialA, av, bv, g, shape, a.ShapeArray) : null, b.RequiresGrad ? Partial(partialB, av, bv, g, shape, b.ShapeArray) : null]);
    }

    /// <summary>g times one partial derivative element by element, summed to the input's shape.</summary>
    private static Tensor Partial(Func<double, double, double> partial, double[] av, double[] bv, Tensor g, int[] shape, int[] inputShape)
    {
        var gradient = new double[av.Length];
        ElementwiseSplit.RunCostly(gradient.Length, (start, count) =>
        {
            for (int i = start; i < start + count; i++)
            {
                gradient[i] = g.Data[i] * partial(av[i], bv[i]);
            }
        });

        return TensorOps.SumTo(new Tensor(gradient, shape), inputShape);
    }

    private static Tensor AsTensor<T>(T value) =>
        value as Tensor ?? throw new NotSupportedException($"No scale-ratio kernel for {typeof(T).Name}.");

    private static double[] Expand(Tensor t, int[] shape) =>
        Shapes.Equal(t.ShapeArray, shape) ? t.Data : Shapes.BroadcastData(t.Data, t.ShapeArray, shape);
}
