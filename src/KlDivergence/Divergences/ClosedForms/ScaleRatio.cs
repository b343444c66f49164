using System.Runtime.CompilerServices;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// Functions of the ratio r = a/b of two positive scales (or rates) that stay accurate over the whole double range,
/// the primitives the scale terms of the location-scale closed forms are written with: ratios from 1e-300 to 1e300
/// neither overflow nor lose the nearly-equal case. Three regimes:
/// <list type="bullet">
/// <item>½ ≤ r ≤ 2: log r = log1p((a - b)/b), where a - b is exact (Sterbenz's lemma), so nearly equal scales keep
/// full relative accuracy;</item>
/// <item>r a normal, finite double: r itself (one rounding) and log r (about 1e-16 absolute error);</item>
/// <item>otherwise (the ratio underflows or overflows): log r = log a - log b, whose absolute error (a few ulps of
/// |log a| + |log b| ≤ 1500) is tiny next to |log r| &gt; 708; then r^k is 0 or +∞.</item>
/// </list>
/// <see cref="IRealArithmetic{TSelf}"/> has no branch, so the generic entries dispatch on the type: scalar code for
/// <see cref="Real"/> (the type test disappears when the JIT specialises it), and for tensors the same scalar code
/// element by element as one recorded op with its analytic partial derivatives.
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
    public static double Log(double a, double b)
    {
        double ratio = a / b;
        if (ratio >= 0.5 && ratio <= 2)
        {
            return ScalarMath.Log1p((a - b) / b);
        }

        return IsNormalFinite(ratio) ? Math.Log(ratio) : Math.Log(a) - Math.Log(b);
    }

    /// <summary>(r^k - 1)/k - log r for positive doubles: e^{kℓ} - 1 - kℓ (no cancellation) near r = 1, r^k itself in range.</summary>
    public static double Term(double a, double b, int power)
    {
        double ratio = a / b;
        if (ratio >= 0.5 && ratio <= 2)
        {
            return ScalarMath.Expm1MinusX(power * ScalarMath.Log1p((a - b) / b)) / power;
        }

        if (IsNormalFinite(ratio))
        {
            return (((power == 2 ? ratio * ratio : ratio) - 1) / power) - Math.Log(ratio);
        }

        return ScalarMath.Expm1MinusX(power * (Math.Log(a) - Math.Log(b))) / power;
    }

    /// <summary>
    /// log(a/b) over broadcast tensors: the scalar kernel element by element (so the gradient path gives the same bits
    /// as the fused one), differentiable with ∂/∂a = 1/a, ∂/∂b = -1/b.
    /// </summary>
    public static Tensor Log(Tensor a, Tensor b) =>
        Binary(a, b, static (x, y) => Log(x, y), static (x, _) => 1 / x, static (_, y) => -1 / y);

    /// <summary>
    /// (r^k - 1)/k - log r over broadcast tensors: the scalar kernel element by element, differentiable with
    /// ∂/∂a = (r^k - 1)/a and ∂/∂b = -(r^k - 1)/b (<see cref="PowerMinusOne"/>).
    /// </summary>
    public static Tensor Term(Tensor a, Tensor b, int power) =>
        Binary(
            a,
            b,
            (x, y) => Term(x, y, power),
            (x, y) => PowerMinusOne(x, y, power) / x,
            (x, y) => -PowerMinusOne(x, y, power) / y);

    /// <summary>
    /// r^k - 1 for r = a/b in the same three regimes: expm1(k log1p((a - b)/b)) near r = 1, r^k - 1 where r is a double
    /// (expm1(k log r) would amplify the rounding of log r by k|log r|), expm1(k(log a - log b)) beyond (-1 or +∞).
    /// </summary>
    public static double PowerMinusOne(double a, double b, int power)
    {
        double ratio = a / b;
        if (ratio >= 0.5 && ratio <= 2)
        {
            return ScalarMath.Expm1(power * ScalarMath.Log1p((a - b) / b));
        }

        return IsNormalFinite(ratio) ? (power == 2 ? ratio * ratio : ratio) - 1 : ScalarMath.Expm1(power * (Math.Log(a) - Math.Log(b)));
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
    /// vector-Jacobian product multiplies them by the incoming gradient and sums over broadcast axes).
    /// </summary>
    internal static Tensor Binary(Tensor a, Tensor b, Func<double, double, double> value, Func<double, double, double> partialA, Func<double, double, double> partialB)
    {
        int[] shape = Shapes.Broadcast(a.ShapeArray, b.ShapeArray);
        double[] av = Expand(a, shape), bv = Expand(b, shape);
        var y = new double[av.Length];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = value(av[i], bv[i]);
        }

        // Each partial only for an input that needs it: ψ(b) - ψ(a) for a prior's fixed concentration cost as much as E.
        return Tensor.Record(new Tensor(y, shape), [a, b], g =>
            [a.RequiresGrad ? Partial(partialA, av, bv, g, shape, a.ShapeArray) : null, b.RequiresGrad ? Partial(partialB, av, bv, g, shape, b.ShapeArray) : null]);
    }

    /// <summary>g times one partial derivative element by element, summed to the input's shape.</summary>
    private static Tensor Partial(Func<double, double, double> partial, double[] av, double[] bv, Tensor g, int[] shape, int[] inputShape)
    {
        var gradient = new double[av.Length];
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] = g.Data[i] * partial(av[i], bv[i]);
        }

        return TensorOps.SumTo(new Tensor(gradient, shape), inputShape);
    }

    private static Tensor AsTensor<T>(T value) =>
        value as Tensor ?? throw new NotSupportedException($"No scale-ratio kernel for {typeof(T).Name}.");

    private static double[] Expand(Tensor t, int[] shape) =>
        Shapes.Equal(t.ShapeArray, shape) ? t.Data : Shapes.BroadcastData(t.Data, t.ShapeArray, shape);
}
