using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// Element-wise ops over large tensors run in fixed blocks across cores: values and gradients must be the same bits
/// for 1, 2 and 8 workers, and right against formulas worked per element.
/// </summary>
public class ElementwiseSplitTests
{
    // The default threshold's blocks and a ragged tail: the smallest outputs that split, with a last block shorter than a vector.
    private const int N = ElementwiseSplit.Threshold + 3;

    private static double[][] RunWith(int workers, Func<Tensor, Tensor, Tensor> f, double[] av, double[] bv, int[] bShape) =>
        Workers.With<double[][]>(workers, () =>
        {
            var a = Tensor.FromArray(av, [N], requiresGrad: true);
            var b = Tensor.FromArray(bv, bShape, requiresGrad: true);
            var y = f(a, b);
            GradCheck.Project(y).Backward();
            return [y.ToArray(), a.Grad!.ToArray(), b.Grad!.ToArray()];
        });

    public static TheoryData<string> Ops => new() { "exp", "softplus", "relu", "elu", "multiply", "divide", "divide_scalar", "subtract_scalar_left" };

    private static (Func<Tensor, Tensor, Tensor> F, int[] BShape) Build(string op) => op switch
    {
        "exp" => ((a, b) => a.Exp() + b, [N]),
        "softplus" => ((a, b) => a.Softplus() * b, [N]),
        "relu" => ((a, b) => a.Relu() * b, [N]),
        "elu" => ((a, b) => a.Elu() * b, [N]),
        "multiply" => ((a, b) => a * b, [N]),
        "divide" => ((a, b) => a / b, [N]),
        "divide_scalar" => ((a, b) => a / b, []),
        "subtract_scalar_left" => ((a, b) => b - a, []),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void ValuesAndGradientsAreBitIdenticalForOneTwoAndEightWorkers(string op)
    {
        var (f, bShape) = Build(op);
        var av = GradCheck.RandomValues(N, 11, -3, 3);
        var bv = GradCheck.RandomValues(bShape.Length == 0 ? 1 : N, 12, 0.5, 2);
        var one = RunWith(1, f, av, bv, bShape);
        foreach (int workers in new[] { 2, 8 })
        {
            var other = RunWith(workers, f, av, bv, bShape);
            for (int part = 0; part < 3; part++)
            {
                other[part].Should().Equal(one[part], $"part {part} of {op} with {workers} workers");
            }
        }
    }

    /// <summary>Every entry of the op table whose kernels split below the default threshold (they cost more per element).</summary>
    public static TheoryData<string> CostlyUnaryOps
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var op in UnaryTable().Where(op => op.SplitThreshold < ElementwiseSplit.Threshold))
            {
                data.Add(op.Name);
            }

            return data;
        }
    }

    private static IEnumerable<UnaryOp> UnaryTable() => ElementwiseTable.Unary();

    [Fact]
    public void TheTableLowersTheThresholdOfTheTranscendentalAndSpecialFunctionsOnly()
    {
        UnaryTable().Where(op => op.SplitThreshold == ElementwiseSplit.CostlyThreshold).Select(op => op.Name).Should().BeEquivalentTo(
            "exp", "log", "log1p", "expm1", "expm1_minus_x", "softplus", "sigmoid", "tanh", "sin", "cos", "elu", "lgamma", "digamma", "normal_cdf", "log_normal_cdf");
        UnaryTable().Where(op => op.SplitThreshold != ElementwiseSplit.CostlyThreshold).Should().OnlyContain(op => op.SplitThreshold == ElementwiseSplit.Threshold);
        ElementwiseSplit.CostlyThreshold.Should().Be(2 * CustomOp.BlockSize, "fewer than two blocks split nothing");
    }

    [Theory]
    [MemberData(nameof(CostlyUnaryOps))]
    public void CostlyOpsSplitFromTheirOwnThresholdWithTheBitsOfOneCall(string name)
    {
        // The smallest output the op splits, with a ragged last block: values and gradients are the bits of the
        // kernel and its derivative run in one call over the whole input, for 1, 2 and 8 workers.
        var op = UnaryTable().Single(o => o.Name == name);
        int n = op.SplitThreshold + 3;
        var xv = GradCheck.RandomValues(n, 21, 0.5, 3);
        var gv = GradCheck.RandomValues(n, 22, -1, 1);
        var y = new double[n];
        var gx = new double[n];
        op.Forward(xv, y);
        op.Derivative(xv, y, gv, gx);
        SplitEqualsOneCall(x => TensorOps.Unary(op, x), xv, gv, y, gx, name);
    }

    /// <summary>f(x) and the gradient of Σ f(x)·g are <paramref name="y"/> and <paramref name="gx"/> bit for bit, for 1, 2 and 8 workers.</summary>
    private static void SplitEqualsOneCall(Func<Tensor, Tensor> f, double[] xv, double[] gv, double[] y, double[] gx, string name)
    {
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var x = Tensor.FromArray(xv, [xv.Length], requiresGrad: true);
                var result = f(x);
                (result * Tensor.FromArray(gv, [gv.Length])).Sum().Backward();
                result.ToArray().Should().Equal(y, $"{name} with {workers} workers");
                x.Grad!.ToArray().Should().Equal(gx, $"the gradient of {name} with {workers} workers");
            });
        }
    }

    [Fact]
    public void AGeneralPowerSplitsFromTheCostlyThresholdWithTheBitsOfOneCall()
    {
        // x^2.5 and its gradient 2.5·x^1.5·g over the smallest output that splits, with a ragged last block, against
        // the same kernels run once over the whole input, for 1, 2 and 8 workers.
        int n = ElementwiseSplit.CostlyThreshold + 3;
        var xv = GradCheck.RandomValues(n, 23, 0.5, 3);
        var gv = GradCheck.RandomValues(n, 24, -1, 1);
        var y = new double[n];
        var gx = new double[n];
        System.Numerics.Tensors.TensorPrimitives.Pow(xv, 2.5, y);
        System.Numerics.Tensors.TensorPrimitives.Pow(xv, 1.5, gx);
        System.Numerics.Tensors.TensorPrimitives.Multiply(gx, 2.5, gx);
        System.Numerics.Tensors.TensorPrimitives.Multiply(gx, gv, gx);
        SplitEqualsOneCall(x => x.Pow(2.5), xv, gv, y, gx, "x^2.5");
    }

    [Fact]
    public void ABroadcastScalarsGradientIsTheSplitSumOfItsOutputGradient()
    {
        // ((x + s) · w).Sum(): ∂/∂s = Σ w, summed as w.Sum() sums a run this long (fixed blocks, in block order), so the
        // same bits for 1, 2 and 8 workers; and within the worst-case bound of floating-point summation, (n - 1)·u·Σ|w|
        // (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §4.2), of a compensated reference.
        var wv = GradCheck.RandomValues(N, 25, -1, 2);
        double reference = SumKernelTests.Compensated(wv);
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var s = Tensor.Scalar(0.5, requiresGrad: true);
                var w = Tensor.FromArray(wv, [N]);
                ((Tensor.FromArray(GradCheck.RandomValues(N, 26), [N]) + s) * w).Sum().Backward();
                s.Grad!.ToScalar().Should().Be(w.Sum().ToScalar(), $"{workers} workers");
                s.Grad!.ToScalar().Should().BeApproximately(reference, (N - 1) * Math.Pow(2, -53) * wv.Sum(Math.Abs));
            });
        }
    }

    [Fact]
    public void SplitValuesAndGradientsMatchFormulasPerElement()
    {
        // y = exp(a) · b / c with c a scalar: ∂/∂a = g·y, ∂/∂b = g·exp(a)/c, ∂/∂c = -Σ g·y/c (g the projection weights).
        var av = GradCheck.RandomValues(N, 13, -3, 3);
        var bv = GradCheck.RandomValues(N, 14, 0.5, 2);
        const double c = 1.7;
        var a = Tensor.FromArray(av, [N], requiresGrad: true);
        var b = Tensor.FromArray(bv, [N], requiresGrad: true);
        var ct = Tensor.Scalar(c, requiresGrad: true);
        var y = a.Exp() * b / ct;
        GradCheck.Project(y).Backward();
        double gc = 0;
        for (int i = 0; i < N; i++)
        {
            double g = 0.3 + (0.7 * Math.Sin(1.7 * (i + 1)));
            double e = Math.Exp(av[i]);
            double expected = e * bv[i] / c;
            y.Values[i].Should().BeApproximately(expected, 1e-15 * Math.Abs(expected));
            a.Grad!.Values[i].Should().BeApproximately(g * expected, 1e-14 * Math.Max(1, Math.Abs(g * expected)));
            b.Grad!.Values[i].Should().BeApproximately(g * e / c, 1e-14 * Math.Max(1, Math.Abs(g * e / c)));
            gc -= g * expected / c;
        }

        ct.Grad!.ToScalar().Should().BeApproximately(gc, 1e-12 * Math.Abs(gc));
    }

    [Fact]
    public void SplitUnaryGradientsMatchFiniteDifferences()
    {
        // Finite differences at a sample of entries of a split softplus and elu (the full check would take N² evaluations).
        var av = GradCheck.RandomValues(N, 15, -3, 3);
        var a = Tensor.FromArray(av, [N], requiresGrad: true);
        GradCheck.Project(a.Softplus() + a.Elu()).Backward();
        const double h = 1e-6;
        foreach (int i in new[] { 0, 4095, 4096, 20000, N - 1 })
        {
            static double F(double v) => (Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v)))) + (v > 0 ? v : Math.Exp(v) - 1);
            double g = 0.3 + (0.7 * Math.Sin(1.7 * (i + 1)));
            double fd = g * (F(av[i] + h) - F(av[i] - h)) / (2 * h);
            a.Grad!.Values[i].Should().BeApproximately(fd, 1e-7);
        }
    }

    /// <summary>
    /// LogSumExp and Max over the rows of a [1000, 100] matrix run their rows on the workers: the values and gradients
    /// are the same bits for 1, 2 and 8 workers, and each row's value is the one-row kernel's (no row skipped).
    /// </summary>
    [Fact]
    public void RowReductionsSplitAcrossWorkersGiveTheSameBits()
    {
        double[] v = [.. Enumerable.Range(0, 100_000).Select(i => 3 * Math.Sin(0.61 * i))];
        var runs = Workers.Each(() =>
        {
            var x = Tensor.FromArray(v, [1000, 100], requiresGrad: true);
            var lse = x.LogSumExp(1);
            var max = x.Max(1);
            (GradCheck.Project(lse) + GradCheck.Project(max)).Backward();
            return (Lse: lse.ToArray(), Max: max.ToArray(), Grad: x.Grad!.ToArray());
        });
        foreach (var run in runs)
        {
            run.Lse.Should().Equal(runs[0].Lse);
            run.Max.Should().Equal(runs[0].Max);
            run.Grad.Should().Equal(runs[0].Grad);
        }

        for (int r = 0; r < 1000; r++)
        {
            runs[0].Lse[r].Should().Be(TensorOps.LogSumExpKernel(v.AsSpan(r * 100, 100)), $"row {r}");
            runs[0].Max[r].Should().Be(v.AsSpan(r * 100, 100).ToArray().Max(), $"row {r}");
        }
    }
}
