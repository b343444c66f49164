using KlDivergence.Tensors;
using MathNet.Numerics;

namespace KlDivergence.Tests.Tensors;

public class ElementwiseGradientTests
{
    public static TheoryData<string> UnaryOps => new()
    {
        "negate", "expm1_minus_x", "square", "sqrt", "exp", "log", "log1p", "expm1", "softplus", "sigmoid", "tanh", "abs",
        "reciprocal", "lgamma", "digamma", "normal_cdf", "log_normal_cdf", "pow2.5", "pow-1.5", "clamp", "pow2", "pow3",
        "pow-1", "relu", "elu",
    };

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void UnaryGradientsMatchFiniteDifferences(string name)
    {
        // Positive inputs keep log, sqrt, lgamma and pow in their domains; abs is checked away from 0.
        var x = GradCheck.RandomValues(12, name.Length, 0.2, 3.0);
        if (name is "negate" or "expm1_minus_x" or "square" or "exp" or "softplus" or "sigmoid" or "tanh" or "abs" or "normal_cdf" or "log_normal_cdf" or "expm1" or "clamp" or "pow2" or "pow3" or "relu" or "elu")
        {
            x = [.. x.Select((v, i) => i % 2 == 0 ? -v : v)];
        }

        GradCheck.Check(t => GradCheck.Project(Apply(name, t[0])), [x], [[3, 4]]);
    }

    /// <summary>
    /// The derivative rules run as vector lane kernels: over 45 values (five vectors of eight and a scalar tail) with
    /// zeros of both signs, infinities, NaN, tiny and huge values, each input gradient is the element formula worked
    /// here, bit for bit; and the whole exponents 2, 3 and -1 of Pow are x·x, x·x·x and 1/x.
    /// </summary>
    [Fact]
    public void VectorDerivativeRulesGiveTheElementFormulasBits()
    {
        double[] special = [0.0, -0.0, 1.0, -1.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e-310, -1e300, 0.75, -2.5];
        double[] values = [.. Enumerable.Range(0, 45).Select(i => i < special.Length ? special[i] : 3 * Math.Sin(1.7 * i))];
        double[] g = [.. Enumerable.Range(0, 45).Select(i => i == 40 ? double.NaN : i == 41 ? -0.0 : Math.Cos(0.9 * i))];
        void Check(Func<Tensor, Tensor> op, Func<double, double, double, double> rule)
        {
            var x = Tensor.FromArray(values, [45], requiresGrad: true);
            var y = op(x);
            (y * Tensor.FromArray(g, [45])).Sum().Backward();
            for (int i = 0; i < 45; i++)
            {
                double expected = rule(g[i], y.Values[i], values[i]);
                x.Grad!.Values[i].Should().Be(expected, $"at x = {values[i]:R}, g = {g[i]:R}");
            }
        }

        Check(t => t.Sigmoid(), (gy, y, x) => gy * y * (1 - y));
        Check(t => t.Tanh(), (gy, y, x) => gy * (1 - (y * y)));
        Check(t => t.Abs(), (gy, y, x) => x > 0 ? gy : x < 0 ? -gy : 0);
        Check(t => t.Reciprocal(), (gy, y, x) => -gy * y * y);
        Check(t => t.Relu(), (gy, y, x) => x > 0 ? gy : 0);
        Check(t => t.Elu(), (gy, y, x) => x > 0 ? gy : gy * (y + 1));
        Check(t => t.Log1p(), (gy, y, x) => gy / (1 + x));
        Check(t => t.Clamp(-1, 0.75), (gy, y, x) => x >= -1 && x <= 0.75 ? gy : 0);
        Check(t => t.Pow(3), (gy, y, x) => x * x * 3 * gy);
        Check(t => Tensor.FromArray([.. Enumerable.Repeat(1.5, 45)], [45]) / t, (gy, y, x) => -gy * y / x);
        Tensor.FromArray(values, [45]).Pow(3).Values.ToArray().Should().Equal(values.Select(v => v * v * v));
        Tensor.FromArray(values, [45]).Pow(2).Values.ToArray().Should().Equal(values.Select(v => v * v));
        Tensor.FromArray(values, [45]).Pow(-1).Values.ToArray().Should().Equal(values.Select(v => 1 / v));
    }

    /// <summary>
    /// The gradient of e^x - 1 - x is e^x - 1 from the series' pieces (x plus the series inside |x| &lt; ½, the lane
    /// exponential beyond): within 3 ulps of mpmath's expm1 on both sides of the boundary, tiny, large and negative x.
    /// </summary>
    [Theory]
    [InlineData(1e-300, 1e-300)]
    [InlineData(-1e-12, -9.999999999995e-13)]
    [InlineData(3e-09, 3.0000000045e-09)]
    [InlineData(0.1, 0.10517091807564763)]
    [InlineData(-0.3, -0.2591817793182821)]
    [InlineData(0.4999, 0.6485564068163897)]
    [InlineData(-0.4999, -0.39340868418864094)]
    [InlineData(0.5, 0.6487212707001282)]
    [InlineData(-0.5, -0.3934693402873666)]
    [InlineData(0.7, 1.0137527074704764)]
    [InlineData(-0.9, -0.5934303402594009)]
    [InlineData(2.5, 11.182493960703473)]
    [InlineData(-3.0, -0.950212931632136)]
    [InlineData(-40.0, -1.0)]
    [InlineData(30.0, 10686474581523.463)]
    [InlineData(700.0, 1.0142320547350045e+304)]
    public void Expm1MinusXGradientIsExpm1ToAFewUlps(double x, double expm1)
    {
        var t = Tensor.Scalar(x, requiresGrad: true);
        t.Expm1MinusX().Backward();
        t.Grad!.ToScalar().Should().BeApproximately(expm1, 3 * Math.Abs(Math.BitIncrement(Math.Abs(expm1)) - Math.Abs(expm1)));
    }

    [Fact]
    public void ForwardValuesMatchReferenceFunctions()
    {
        var x = Tensor.Vector(-3.0, -0.5, 0.25, 2.0, 40.0);
        x.Softplus().Values.ToArray().Should().Equal(
            new[] { double.LogP1(Math.Exp(-3.0)), double.LogP1(Math.Exp(-0.5)), double.LogP1(Math.Exp(0.25)), double.LogP1(Math.Exp(2.0)), 40.0 + double.LogP1(Math.Exp(-40.0)) },
            (a, b) => Math.Abs(a - b) < 1e-14);
        x.NormalCdf().Values.ToArray().Should().Equal(
            new[] { -3.0, -0.5, 0.25, 2.0, 40.0 }.Select(v => MathNet.Numerics.Distributions.Normal.CDF(0, 1, v)),
            (a, b) => Math.Abs(a - b) < 1e-15);
        Tensor.Vector(0.5, 3.0, 10.5).LogGamma().Values.ToArray().Should().Equal(
            new[] { SpecialFunctions.GammaLn(0.5), SpecialFunctions.GammaLn(3.0), SpecialFunctions.GammaLn(10.5) },
            (a, b) => Math.Abs(a - b) < 1e-13);
    }

    [Fact]
    public void LogNormalCdfIsAccurateInTheTails()
    {
        // log Φ(-40) from the asymptotic expansion (A&S 26.2.12) worked by hand to the z⁴ term, z = 1/1600:
        // -800 - log 40 - ½ log 2π + log(1 - z + 3z² - 15z³ + 105z⁴); terms beyond are below 1e-13.
        double z = 1.0 / 1600;
        double expected = -800 - Math.Log(40) - (0.5 * Math.Log(2 * Math.PI)) + Math.Log(1 - z + (3 * z * z) - (15 * z * z * z) + (105 * z * z * z * z));
        Tensor.Scalar(-40).LogNormalCdf().ToScalar().Should().BeApproximately(expected, 1e-10);

        // log Φ(10) = log(1 - Φ(-10)) ≈ -Φ(-10) = -7.6198530241605e-24.
        Tensor.Scalar(10).LogNormalCdf().ToScalar().Should().BeApproximately(-7.6198530241605e-24, 1e-35);
        Tensor.Scalar(-3).LogNormalCdf().ToScalar().Should().BeApproximately(Math.Log(0.0013498980316301), 1e-12);

        // The gradient φ/Φ stays finite and close to -x far in the left tail.
        var t = Tensor.Scalar(-60, requiresGrad: true);
        t.LogNormalCdf().Backward();
        t.Grad!.ToScalar().Should().BeApproximately(60.0166, 1e-3);
    }

    [Fact]
    public void Expm1MinusXIsRightToAFewUlpsAcrossItsSeriesRangeAndTheVectorPathGivesTheScalarBits()
    {
        // Reference: Σ_{k≥2} x^k/k! in decimal (28 digits), for x across (-½, ½) where the series is used, and a little
        // beyond where e^x - 1 - x is taken directly.
        static double Reference(double x)
        {
            // x to decimal through its bits (a cast keeps only 15 digits): the 53-bit mantissa divided by 2^52, then by
            // the rest of 2^-exponent (|x| < 1 and ≥ 2^-20 here), each division keeping 28 significant digits.
            long bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
            long mantissa = (bits & ((1L << 52) - 1)) | (1L << 52);
            int exponent = (int)((bits >> 52) & 0x7FF) - 1075;
            decimal dx = Math.Sign(x) * (mantissa / (decimal)(1L << 52) / (1L << (-exponent - 52))), term = dx * dx / 2, sum = 0;
            for (int k = 3; term != 0 && k < 60; k++)
            {
                sum += term;
                term = term * dx / k;
            }

            return (double)sum;
        }

        var xs = Enumerable.Range(-600, 1201).Where(i => i != 0).Select(i => i / 1200.0).Concat([1e-3, -1e-3, 0.49999, -0.49999]).ToArray();
        foreach (double x in xs)
        {
            double expected = Reference(x);
            ScalarMath.Expm1MinusX(x).Should().BeApproximately(expected, Math.Abs(expected) * 1e-15, "x = {0}", x);
        }

        // The span version (four lanes, then a scalar tail) computes the same polynomial: the same bits at every length.
        foreach (int length in new[] { 1, 3, 4, 5, 8, 13, xs.Length })
        {
            var y = new double[length];
            ScalarMath.Expm1MinusX(xs.AsSpan(0, length), y);
            y.Should().Equal(xs.Take(length).Select(ScalarMath.Expm1MinusX), "length {0}", length);
        }
    }

    [Fact]
    public void Log1pExpm1AndSoftplusKeepFullRelativePrecisionForTinyArguments()
    {
        // Taylor series worked by hand: log1p(x) = x - x²/2 + x³/3, expm1(x) = x + x²/2 + x³/6.
        foreach (double x in new[] { 1e-20, -3e-12, 2.5e-8, 1e-5 })
        {
            double log1p = x - (x * x / 2) + (x * x * x / 3);
            double expm1mx = (x * x / 2) + (x * x * x / 6) + (x * x * x * x / 24);
            Tensor.Scalar(x).Expm1MinusX().ToScalar().Should().BeApproximately(expm1mx, Math.Abs(expm1mx) * 1e-15);
            double expm1 = x + (x * x / 2) + (x * x * x / 6);
            Tensor.Scalar(x).Log1p().ToScalar().Should().BeApproximately(log1p, Math.Abs(log1p) * 1e-15);
            Tensor.Scalar(x).Expm1().ToScalar().Should().BeApproximately(expm1, Math.Abs(expm1) * 1e-15);
        }

        // softplus(-40) = log1p(e^-40) = e^-40 - e^-80/2: not rounded to 0.
        Tensor.Scalar(-40).Softplus().ToScalar().Should().BeApproximately(Math.Exp(-40), Math.Exp(-40) * 1e-15);
        Tensor.Vector(0.7, -0.3).Log1p().Values.ToArray().Should().Equal(
            new[] { Math.Log(1.7), Math.Log(0.7) }, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Theory]
    [InlineData("add")]
    [InlineData("subtract")]
    [InlineData("multiply")]
    [InlineData("divide")]
    [InlineData("minimum")]
    [InlineData("maximum")]
    public void BinaryGradientsMatchFiniteDifferencesWithBroadcasting(string name)
    {
        // [2, 1, 3] against [4, 3]: both sides stretch, so the gradient must be summed back on each.
        var a = GradCheck.RandomValues(6, 1, 0.5, 2.0);
        var b = GradCheck.RandomValues(12, 2, 0.6, 2.1);
        GradCheck.Check(t => GradCheck.Project(Binary(name, t[0], t[1])), [a, b], [[2, 1, 3], [4, 3]]);

        // Rows of 20 (the row-wise broadcast path): tiled against repeated, and a full tensor against a row.
        GradCheck.Check(t => GradCheck.Project(Binary(name, t[0], t[1])), [GradCheck.RandomValues(3, 3, 0.5, 2.0), GradCheck.RandomValues(20, 4, 0.6, 2.1)], [[3, 1], [1, 20]]);
        GradCheck.Check(t => GradCheck.Project(Binary(name, t[0], t[1])), [GradCheck.RandomValues(60, 5, 0.5, 2.0), GradCheck.RandomValues(20, 6, 0.6, 2.1)], [[3, 20], [20]]);
        GradCheck.Check(t => GradCheck.Project(Binary(name, t[0], t[1])), [GradCheck.RandomValues(40, 7, 0.5, 2.0), GradCheck.RandomValues(60, 8, 0.6, 2.1)], [[2, 1, 20], [3, 20]]);

        // A scalar on either side.
        GradCheck.Check(t => GradCheck.Project(Binary(name, t[0], t[1])), [[1.3], b], [[], [4, 3]]);
        GradCheck.Check(t => GradCheck.Project(Binary(name, t[0], t[1])), [a, [0.7]], [[2, 1, 3], [1]]);
    }

    [Fact]
    public void RowWiseBroadcastProductsAndSumsMatchTheElementwiseDefinition()
    {
        // [5, 1] against [1, 20] and [20] against [5, 20]: the row path with one operand constant along each row.
        var a = Tensor.FromArray(GradCheck.RandomValues(5, 91, -2, 2), [5, 1]);
        var b = Tensor.FromArray(GradCheck.RandomValues(20, 92, -2, 2), [1, 20]);
        var c = Tensor.FromArray(GradCheck.RandomValues(100, 93, -2, 2), [5, 20]);
        var product = a * b;
        var sum = b + c;
        var quotient = c / a;
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 20; j++)
            {
                product.Values[(i * 20) + j].Should().Be(a.Values[i] * b.Values[j]);
                sum.Values[(i * 20) + j].Should().Be(b.Values[j] + c.Values[(i * 20) + j]);
                quotient.Values[(i * 20) + j].Should().BeApproximately(c.Values[(i * 20) + j] / a.Values[i], 1e-15 * Math.Abs(c.Values[(i * 20) + j] / a.Values[i]));
            }
        }
    }

    [Fact]
    public void BroadcastingMismatchNamesBothShapes()
    {
        var act = () => Tensor.Zeros(2, 3) + Tensor.Zeros(4);
        act.Should().Throw<ArgumentException>().WithMessage("*[2, 3]*[4]*");
    }

    [Fact]
    public void WhereSendsGradientOnlyToTheSelectedSide()
    {
        var a = Tensor.Vector(1, 2, 3).RequireGrad();
        var b = Tensor.Vector(double.PositiveInfinity, 5, 6).RequireGrad();
        var c = Tensor.Vector(1, 0, 1);
        var y = TensorOps.Where(c, a, b);
        y.Values.ToArray().Should().Equal(1, 5, 3);
        (y * Tensor.Vector(1, 10, 100)).Sum().Backward();
        a.Grad!.Values.ToArray().Should().Equal(1, 0, 100);
        b.Grad!.Values.ToArray().Should().Equal(0, 10, 0);
        GradCheck.Check(t => GradCheck.Project(TensorOps.Where(c, t[0], t[1])), [[1, 2, 3], [4, 5, 6]], [[3], [3]]);
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        var x = Tensor.Vector(1, 2).RequireGrad();
        Tensor y;
        using (Tensor.NoGrad())
        {
            y = (x * x).Sum();
        }

        y.RequiresGrad.Should().BeFalse();
        y.IsLeaf.Should().BeTrue();
        Tensor.IsGradEnabled.Should().BeTrue();
        var z = (Tensor.Vector(1, 2) * 3.0).Sum();
        z.RequiresGrad.Should().BeFalse("no input requires gradients");
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCallsAndThroughSharedNodes()
    {
        var x = Tensor.Scalar(3, requiresGrad: true);
        var y = x * x;
        (y + y).Backward(); // d/dx 2x² = 12 at 3
        x.Grad!.ToScalar().Should().Be(12);
        (x * 2.0).Backward();
        x.Grad!.ToScalar().Should().Be(14);
    }

    private static Tensor Apply(string name, Tensor x) => name switch
    {
        "negate" => -x,
        "expm1_minus_x" => x.Expm1MinusX(),
        "square" => x.Square(),
        "sqrt" => x.Sqrt(),
        "exp" => x.Exp(),
        "log" => x.Log(),
        "log1p" => x.Log1p(),
        "expm1" => x.Expm1(),
        "softplus" => x.Softplus(),
        "sigmoid" => x.Sigmoid(),
        "tanh" => x.Tanh(),
        "abs" => x.Abs(),
        "reciprocal" => x.Reciprocal(),
        "lgamma" => x.LogGamma(),
        "digamma" => x.Digamma(),
        "normal_cdf" => x.NormalCdf(),
        "log_normal_cdf" => x.LogNormalCdf(),
        "pow2.5" => x.Pow(2.5),
        "pow-1.5" => x.Pow(-1.5),
        "clamp" => x.Clamp(-1.0, 1.5),
        "pow2" => x.Pow(2),
        "pow3" => x.Pow(3),
        "pow-1" => x.Pow(-1),
        "relu" => x.Relu(),
        "elu" => x.Elu(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static Tensor Binary(string name, Tensor a, Tensor b) => name switch
    {
        "add" => a + b,
        "subtract" => a - b,
        "multiply" => a * b,
        "divide" => a / b,
        "minimum" => TensorOps.Minimum(a, b),
        "maximum" => TensorOps.Maximum(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
