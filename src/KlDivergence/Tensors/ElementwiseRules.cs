using System.Numerics.Tensors;
using MathNet.Numerics;

namespace KlDivergence.Tensors;

/// <summary>
/// The op table for element-wise operations: each entry is one operation's vectorised kernel beside its
/// derivative rule, so that every rule lives in one place (the idea of PyTorch's derivatives.yaml).
/// </summary>
internal static class ElementwiseRules
{
    public static readonly UnaryOp Negate = new(
        "negate",
        static (x, y) => TensorPrimitives.Negate(x, y),
        static (x, y, gy, gx) => TensorPrimitives.Negate(gy, gx));

    public static readonly UnaryOp Square = new(
        "square",
        static (x, y) => TensorPrimitives.Multiply(x, x, y),
        static (x, y, gy, gx) =>
        {
            // d/dx x² = 2x
            TensorPrimitives.Multiply(gy, x, gx);
            TensorPrimitives.Multiply(gx, 2.0, gx);
        });

    public static readonly UnaryOp Cube = new(
        "cube",
        static (x, y) =>
        {
            TensorPrimitives.Multiply(x, x, y);
            TensorPrimitives.Multiply(y, x, y);
        },
        static (x, y, gy, gx) =>
        {
            // d/dx x³ = 3x²
            TensorPrimitives.Multiply(x, x, gx);
            TensorPrimitives.Multiply(gx, 3.0, gx);
            TensorPrimitives.Multiply(gx, gy, gx);
        });

    public static readonly UnaryOp Sqrt = new(
        "sqrt",
        static (x, y) => TensorPrimitives.Sqrt(x, y),
        static (x, y, gy, gx) =>
        {
            // d/dx √x = 1 / (2√x)
            TensorPrimitives.Divide(gy, y, gx);
            TensorPrimitives.Multiply(gx, 0.5, gx);
        });

    public static readonly UnaryOp Exp = new(
        "exp",
        static (x, y) => TensorPrimitives.Exp(x, y),
        static (x, y, gy, gx) => TensorPrimitives.Multiply(gy, y, gx),
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Log = new(
        "log",
        static (x, y) => TensorPrimitives.Log(x, y),
        static (x, y, gy, gx) => TensorPrimitives.Divide(gy, x, gx),
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Log1p = new(
        "log1p",
        static (x, y) => ScalarMath.Log1p(x, y),
        static (x, y, gy, gx) => LaneMap.Map<Log1pGradient>(gy, y, x, gx),
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Expm1 = new(
        "expm1",
        static (x, y) =>
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = ScalarMath.Expm1(x[i]);
            }
        },
        static (x, y, gy, gx) =>
        {
            // d/dx (e^x - 1) = y + 1
            TensorPrimitives.Add(y, 1.0, gx);
            TensorPrimitives.Multiply(gx, gy, gx);
        },
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Expm1MinusX = new(
        "expm1_minus_x",
        static (x, y) => ScalarMath.Expm1MinusX(x, y),
        static (x, y, gy, gx) => LaneMap.Map<Expm1MinusXGradient>(gy, y, x, gx),
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Softplus = new(
        "softplus",
        static (x, y) =>
        {
            // log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}): no overflow for large x, no cancellation for small.
            double[] t = System.Buffers.ArrayPool<double>.Shared.Rent(x.Length);
            try
            {
                var tail = t.AsSpan(0, x.Length);
                TensorPrimitives.Abs(x, tail);
                TensorPrimitives.Negate(tail, tail);
                TensorPrimitives.Exp(tail, tail);
                ScalarMath.Log1p(tail, y);
                TensorPrimitives.Max(x, 0.0, tail);
                TensorPrimitives.Add(y, tail, y);
            }
            finally
            {
                System.Buffers.ArrayPool<double>.Shared.Return(t);
            }
        },
        static (x, y, gy, gx) =>
        {
            // d/dx softplus(x) = sigmoid(x)
            TensorPrimitives.Sigmoid(x, gx);
            TensorPrimitives.Multiply(gx, gy, gx);
        },
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Sigmoid = new(
        "sigmoid",
        static (x, y) => TensorPrimitives.Sigmoid(x, y),
        static (x, y, gy, gx) => LaneMap.Map<SigmoidGradient>(gy, y, x, gx),
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Tanh = new(
        "tanh",
        static (x, y) => TensorPrimitives.Tanh(x, y),
        static (x, y, gy, gx) => LaneMap.Map<TanhGradient>(gy, y, x, gx),
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Sin = new(
        "sin",
        static (x, y) => Trigonometric.Sin(x, y),
        static (x, y, gy, gx) => Trigonometric.Derivative(x, gy, gx, sine: true),
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Cos = new(
        "cos",
        static (x, y) => Trigonometric.Cos(x, y),
        static (x, y, gy, gx) => Trigonometric.Derivative(x, gy, gx, sine: false),
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Abs = new(
        "abs",
        static (x, y) => TensorPrimitives.Abs(x, y),
        static (x, y, gy, gx) => LaneMap.Map<AbsGradient>(gy, y, x, gx));

    public static readonly UnaryOp Reciprocal = new(
        "reciprocal",
        static (x, y) => TensorPrimitives.Reciprocal(x, y),
        static (x, y, gy, gx) => LaneMap.Map<ReciprocalGradient>(gy, y, x, gx));

    public static readonly UnaryOp LogGamma = new(
        "lgamma",
        static (x, y) => GammaFunctions.LogGamma(x, y),
        static (x, y, gy, gx) =>
        {
            // d/dx log Γ(x) = ψ(x)
            GammaFunctions.Digamma(x, gx);
            TensorPrimitives.Multiply(gx, gy, gx);
        },
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Digamma = new(
        "digamma",
        static (x, y) => GammaFunctions.Digamma(x, y),
        static (x, y, gy, gx) =>
        {
            // d/dx ψ(x) = ψ₁(x)
            GammaFunctions.Trigamma(x, gx);
            TensorPrimitives.Multiply(gx, gy, gx);
        },
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp NormalCdf = new(
        "normal_cdf",
        static (x, y) => ErrorFunction.NormalCdf(x, y),
        static (x, y, gy, gx) =>
        {
            // d/dx Φ(x) = φ(x)
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = gy[i] * ScalarMath.InvSqrtTwoPi * Math.Exp(-0.5 * x[i] * x[i]);
            }
        },
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp LogNormalCdf = new(
        "log_normal_cdf",
        static (x, y) =>
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = ScalarMath.LogNormalCdf(x[i]);
            }
        },
        static (x, y, gy, gx) =>
        {
            // d/dx log Φ(x) = φ(x)/Φ(x) = exp(log φ(x) - log Φ(x)): finite far into the left tail.
            for (int i = 0; i < gx.Length; i++)
            {
                double ratio = double.IsNegativeInfinity(x[i]) ? double.PositiveInfinity
                    : Math.Exp((-0.5 * x[i] * x[i]) - ScalarMath.LogSqrtTwoPi - y[i]);
                gx[i] = gy[i] * ratio;
            }
        },
        ElementwiseSplit.CostlyThreshold);

    public static readonly UnaryOp Relu = new(
        "relu",
        static (x, y) => TensorPrimitives.Max(x, 0.0, y),
        static (x, y, gy, gx) => LaneMap.Map<ReluGradient>(gy, y, x, gx));

    public static readonly UnaryOp Elu = new(
        "elu",
        static (x, y) =>
        {
            // x for x > 0, e^x - 1 otherwise (through expm1, exact near 0)
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = x[i] > 0 ? x[i] : ScalarMath.Expm1(x[i]);
            }
        },
        static (x, y, gy, gx) => LaneMap.Map<EluGradient>(gy, y, x, gx),
        ElementwiseSplit.CostlyThreshold);

    public static readonly BinaryOp Add = new(
        "add",
        static (a, b, y) => TensorPrimitives.Add(a, b, y),
        static (a, b, y, gy, g) => gy.CopyTo(g),
        static (a, b, y, gy, g) => gy.CopyTo(g),
        static (a, b, y) => TensorPrimitives.Add(a, b, y),
        static (a, b, y) => TensorPrimitives.Add(b, a, y));

    public static readonly BinaryOp Subtract = new(
        "subtract",
        static (a, b, y) => TensorPrimitives.Subtract(a, b, y),
        static (a, b, y, gy, g) => gy.CopyTo(g),
        static (a, b, y, gy, g) => TensorPrimitives.Negate(gy, g),
        static (a, b, y) => TensorPrimitives.Subtract(a, b, y),
        static (a, b, y) => TensorPrimitives.Subtract(a, b, y));

    public static readonly BinaryOp Multiply = new(
        "multiply",
        static (a, b, y) => TensorPrimitives.Multiply(a, b, y),
        static (a, b, y, gy, g) => TensorPrimitives.Multiply(gy, b, g),
        static (a, b, y, gy, g) => TensorPrimitives.Multiply(gy, a, g),
        static (a, b, y) => TensorPrimitives.Multiply(a, b, y),
        static (a, b, y) => TensorPrimitives.Multiply(b, a, y));

    public static readonly BinaryOp Divide = new(
        "divide",
        static (a, b, y) => TensorPrimitives.Divide(a, b, y),
        static (a, b, y, gy, g) => TensorPrimitives.Divide(gy, b, g),
        static (a, b, y, gy, g) => LaneMap.Map<DivisorGradient>(gy, y, b, g),
        static (a, b, y) => TensorPrimitives.Multiply(a, 1 / b, y),
        static (a, b, y) => TensorPrimitives.Divide(a, b, y));

    public static readonly BinaryOp Minimum = new(
        "minimum",
        static (a, b, y) => TensorPrimitives.Min(a, b, y),
        static (a, b, y, gy, g) => SelectGrad(a, b, gy, g, takeLess: true),
        static (a, b, y, gy, g) => SelectGrad(b, a, gy, g, takeLess: true));

    public static readonly BinaryOp Maximum = new(
        "maximum",
        static (a, b, y) => TensorPrimitives.Max(a, b, y),
        static (a, b, y, gy, g) => SelectGrad(a, b, gy, g, takeLess: false),
        static (a, b, y, gy, g) => SelectGrad(b, a, gy, g, takeLess: false));

    /// <summary>The gradient of min/max to <paramref name="self"/>: all of it when selected, half on a tie.</summary>
    private static void SelectGrad(ReadOnlySpan<double> self, ReadOnlySpan<double> other, ReadOnlySpan<double> gy, Span<double> g, bool takeLess)
    {
        for (int i = 0; i < g.Length; i++)
        {
            bool wins = takeLess ? self[i] < other[i] : self[i] > other[i];
            g[i] = wins ? gy[i] : self[i] == other[i] ? 0.5 * gy[i] : 0;
        }
    }

    /// <summary>d/dx log(1 + x) = 1/(1 + x).</summary>
    private readonly struct Log1pGradient : IGradientLaneKernel
    {
        public static T Lanes<T>(T g, T y, T x)
            where T : struct, IWideLane<T> => g / (T.Create(1) + x);
    }

    /// <summary>d/dx σ(x) = σ(x)(1 - σ(x)).</summary>
    private readonly struct SigmoidGradient : IGradientLaneKernel
    {
        public static T Lanes<T>(T g, T y, T x)
            where T : struct, IWideLane<T> => g * y * (T.Create(1) - y);
    }

    /// <summary>d/dx tanh(x) = 1 - tanh²(x).</summary>
    private readonly struct TanhGradient : IGradientLaneKernel
    {
        public static T Lanes<T>(T g, T y, T x)
            where T : struct, IWideLane<T> => g * (T.Create(1) - (y * y));
    }

    /// <summary>d/dx |x| = sign(x), taken as 0 at 0 (as PyTorch does).</summary>
    private readonly struct AbsGradient : IGradientLaneKernel
    {
        public static T Lanes<T>(T g, T y, T x)
            where T : struct, IWideLane<T>
        {
            var zero = T.Create(0);
            return T.Select(T.LessThan(zero, x), g, T.Select(T.LessThan(x, zero), T.Negate(g), zero));
        }
    }

    /// <summary>d/dx 1/x = -1/x² = -y².</summary>
    private readonly struct ReciprocalGradient : IGradientLaneKernel
    {
        public static T Lanes<T>(T g, T y, T x)
            where T : struct, IWideLane<T> => T.Negate(g) * y * y;
    }

    /// <summary>d/dx max(x, 0) = 1 for x &gt; 0, else 0 (0 at x = 0, as PyTorch).</summary>
    private readonly struct ReluGradient : IGradientLaneKernel
    {
        public static T Lanes<T>(T g, T y, T x)
            where T : struct, IWideLane<T> => T.Select(T.LessThan(T.Create(0), x), g, T.Create(0));
    }

    /// <summary>d/dx elu(x) = 1 for x &gt; 0, else e^x = y + 1.</summary>
    private readonly struct EluGradient : IGradientLaneKernel
    {
        public static T Lanes<T>(T g, T y, T x)
            where T : struct, IWideLane<T> => T.Select(T.LessThan(T.Create(0), x), g, g * (y + T.Create(1)));
    }

    /// <summary>d/db (a/b) = -a/b² = -y/b, with the divisor b in the input's place.</summary>
    private readonly struct DivisorGradient : IGradientLaneKernel
    {
        public static T Lanes<T>(T g, T y, T b)
            where T : struct, IWideLane<T> => (T.Negate(g) * y) / b;
    }

    /// <summary>d/dx (e^x - 1 - x) = e^x - 1.</summary>
    private readonly struct Expm1MinusXGradient : IGradientLaneKernel
    {
        public static T Lanes<T>(T g, T y, T x)
            where T : struct, IWideLane<T> => g * ScalarMath.Expm1Lanes(x);
    }
}
