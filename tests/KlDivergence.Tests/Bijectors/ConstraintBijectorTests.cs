using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Bijectors;

/// <summary>
/// The bijectors behind the constraints' default transforms: round trips (batched), the log-determinant against the
/// log |det| of a finite-difference Jacobian onto the free output coordinates, and gradients against finite differences.
/// </summary>
public class ConstraintBijectorTests
{
    public static TheoryData<string> Names => new()
    {
        "LowerBound", "UpperBound", "Interval", "StickBreaking(2)", "StickBreaking(5)", "Ordered", "PositiveOrdered",
        "CorrelationCholesky(2)", "CorrelationCholesky(4)", "CholeskyOuterProduct(3)", "PositiveDefinite(3)", "Independent(Interval)",
    };

    /// <summary>A bijector, the length n of one unconstrained event, its free output coordinates (n of them) and the input spread.</summary>
    private static (Bijector B, int N, Func<double[], double[]> Free, double Spread) Case(string name)
    {
        static double[] All(double[] y) => y;
        return name switch
        {
            "LowerBound" => (new LowerBoundBijector(Tensor.Vector(-1.5, 0.0, 2.5)), 3, All, 4),
            "UpperBound" => (new UpperBoundBijector(Tensor.Vector(-1.5, 0.0, 2.5)), 3, All, 4),
            "Interval" => (new IntervalBijector(Tensor.Vector(-1.5, 0.0, 2.5), Tensor.Vector(-1.0, 3.0, 100.0)), 3, All, 5),
            "Independent(Interval)" => (new IndependentBijector(new IntervalBijector(-2.0, Tensor.Vector(-1.0, 3.0, 100.0)), 1), 3, All, 5),
            "StickBreaking(2)" => (new StickBreakingBijector(), 1, y => y[..1], 4),
            "StickBreaking(5)" => (new StickBreakingBijector(), 4, y => y[..4], 3),
            "Ordered" => (new OrderedBijector(), 4, All, 3),
            "PositiveOrdered" => (new OrderedBijector(positive: true), 4, All, 3),
            "CorrelationCholesky(2)" => (new CorrelationCholeskyBijector(), 1, y => JacobianCheck.StrictLower(y, 2), 3),
            "CorrelationCholesky(4)" => (new CorrelationCholeskyBijector(), 6, y => JacobianCheck.StrictLower(y, 4), 2),
            "CholeskyOuterProduct(3)" => (new ChainBijector(new FillScaleTriLBijector(new ExpBijector(), 0), new CholeskyOuterProductBijector()), 6, y => JacobianCheck.Lower(y, 3), 1.5),
            "PositiveDefinite(3)" => (KlDivergence.Constraints.Constraint.PositiveDefinite.DefaultBijector(), 6, y => JacobianCheck.Lower(y, 3), 1.5),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void InverseOfForwardIsIdentityOnBatches(string name)
    {
        var (b, n, _, spread) = Case(name);
        var x = Tensor.FromArray(GradCheck.RandomValues(2 * 3 * n, 11, -spread, spread), [2, 3, n]);
        var y = b.Forward(x);
        y.Shape.Should().Equal(b.ForwardShape([2, 3, n]));
        b.InverseShape([.. y.Shape]).Should().Equal(2, 3, n);
        var back = b.Inverse(y);
        back.Shape.Should().Equal(2, 3, n);
        var xs = x.ToArray();
        var bs = back.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            bs[i].Should().BeApproximately(xs[i], 1e-8 * Math.Max(1, Math.Abs(xs[i])), $"{name} entry {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ForwardOfInverseIsIdentityOnBatches(string name)
    {
        var (b, n, _, spread) = Case(name);
        Tensor y;
        using (Tensor.NoGrad())
        {
            y = b.Forward(Tensor.FromArray(GradCheck.RandomValues(4 * n, 12, -spread, spread), [4, n]));
        }

        var again = b.Forward(b.Inverse(y)).ToArray();
        var ys = y.ToArray();
        for (int i = 0; i < ys.Length; i++)
        {
            again[i].Should().BeApproximately(ys[i], 1e-10 * Math.Max(1, Math.Abs(ys[i])), $"{name} entry {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LogDetMatchesFiniteDifferenceJacobian(string name)
    {
        var (b, n, free, spread) = Case(name);
        for (int seed = 0; seed < 4; seed++)
        {
            var x = GradCheck.RandomValues(n, 100 + seed, -spread, spread);
            double expected = JacobianCheck.LogAbsDet(v => free(JacobianCheck.Apply(b.Forward, v)), x);
            double actual = b.ForwardLogDetJacobian(Tensor.FromArray(x, [n])).Sum().ToScalar();
            actual.Should().BeApproximately(expected, 1e-6 * Math.Max(1, Math.Abs(expected)), $"{name} at x = [{string.Join(", ", x)}]");

            // The inverse log-determinant at y = f(x) is minus the forward one.
            var y = b.Forward(Tensor.FromArray(x, [n]));
            b.InverseLogDetJacobian(y).Sum().ToScalar().Should().BeApproximately(-actual, 1e-9 * Math.Max(1, Math.Abs(actual)), name);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LogDetIsPerBatchEntry(string name)
    {
        var (b, n, _, spread) = Case(name);
        var x = Tensor.FromArray(GradCheck.RandomValues(2 * 3 * n, 13, -spread, spread), [2, 3, n]);
        var logDet = b.ForwardLogDetJacobian(x);
        int[] expectedShape = b.InputEventRank == 0 ? [2, 3, n] : [2, 3];
        logDet.Shape.Should().Equal(expectedShape);
        var perEvent = b.InputEventRank == 0 ? logDet.Sum(2).ToArray() : logDet.ToArray();
        for (int e = 0; e < 6; e++)
        {
            double single = b.ForwardLogDetJacobian(x.Reshape(6, n).Select(0, e)).Sum().ToScalar();
            perEvent[e].Should().BeApproximately(single, 1e-12 * Math.Max(1, Math.Abs(single)), $"{name} event {e}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientsOfForwardAndLogDetMatchFiniteDifferences(string name)
    {
        var (b, n, _, spread) = Case(name);
        var x = GradCheck.RandomValues(2 * n, 14, -spread, spread);
        GradCheck.Check(t => GradCheck.Project(b.Forward(t[0])), [x], [[2, n]], tolerance: 1e-6);
        GradCheck.Check(t => GradCheck.Project(b.ForwardLogDetJacobian(t[0])), [x], [[2, n]], tolerance: 1e-6);
    }

    [Fact]
    public void IntervalGradientsReachTheBounds()
    {
        // Uniform(0, 1 - α) as in GARCH: the bounds are functions of another variable, and both y and log |dy/dx|
        // (which holds log(b - a)) must carry their gradients back to α and to the lower bound.
        double[] x = [-1.2, 0.3, 2.0];
        GradCheck.Check(
            t =>
            {
                var b = new IntervalBijector(t[1], 1.0 - t[2]);
                return GradCheck.Project(b.Forward(t[0])) + GradCheck.Project(b.ForwardLogDetJacobian(t[0]));
            },
            [x, [-0.4, 0.1, 0.05], [0.2]],
            [[3], [3], [1]]);
        GradCheck.Check(
            t =>
            {
                var b = new IntervalBijector(t[1], t[2]);
                return GradCheck.Project(b.InverseLogDetJacobian(t[0])) + GradCheck.Project(b.Inverse(t[0]));
            },
            [[0.1, 0.5, 0.8], [-0.4, 0.1, 0.05], [0.2, 0.9, 1.5]],
            [[3], [3], [3]]);
    }

    [Fact]
    public void OneSidedBoundGradientsReachTheBounds()
    {
        GradCheck.Check(t => GradCheck.Project(new LowerBoundBijector(t[1]).Forward(t[0])) + GradCheck.Project(new LowerBoundBijector(t[1]).InverseLogDetJacobian(t[1] + t[0].Exp())), [[-1.0, 0.5], [0.3, -2.0]], [[2], [2]]);
        GradCheck.Check(t => GradCheck.Project(new UpperBoundBijector(t[1]).Forward(t[0])) + GradCheck.Project(new UpperBoundBijector(t[1]).Inverse(t[1] - t[0].Exp())), [[-1.0, 0.5], [0.3, -2.0]], [[2], [2]]);
    }

    [Fact]
    public void IntervalLogDetHoldsTheLogWidth()
    {
        // log |dy/dx| = log(b - a) + log σ(x) + log σ(-x); at x = 0 that is log(b - a) - 2 log 2.
        var b = new IntervalBijector(2.0, 7.0);
        b.ForwardLogDetJacobian(0.0).ToScalar().Should().BeApproximately(Math.Log(5) - (2 * Math.Log(2)), 1e-15);
        b.Forward(0.0).ToScalar().Should().BeApproximately(4.5, 1e-15);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void StickBreakingMapsZeroToTheUniformSimplex(int k)
    {
        var y = new StickBreakingBijector().Forward(Tensor.Zeros(k - 1)).ToArray();
        y.Should().HaveCount(k);
        foreach (double v in y)
        {
            v.Should().BeApproximately(1.0 / k, 1e-15);
        }
    }

    [Fact]
    public void StickBreakingStaysOnTheSimplexForLargeInputs()
    {
        var y = new StickBreakingBijector().Forward(Tensor.FromArray([-40, 40, -300, 300, 0, 700], [2, 3])).ToArray();
        for (int e = 0; e < 2; e++)
        {
            var row = y.AsSpan(e * 4, 4).ToArray();
            row.Sum().Should().BeApproximately(1, 1e-14);
            row.Should().OnlyContain(v => v >= 0 && double.IsFinite(v));
        }
    }

    [Fact]
    public void OrderedIsIncreasing()
    {
        var y = new OrderedBijector().Forward(Tensor.Vector(0.5, -3, 2, -0.1)).ToArray();
        y[0].Should().Be(0.5);
        y[1].Should().BeApproximately(0.5 + Math.Exp(-3), 1e-15);
        y[3].Should().BeApproximately(0.5 + Math.Exp(-3) + Math.Exp(2) + Math.Exp(-0.1), 1e-14);
        new OrderedBijector(positive: true).Forward(Tensor.Vector(-2.0))[0].Should().BeApproximately(Math.Exp(-2), 1e-16);
    }

    [Fact]
    public void CorrelationCholeskyGivesUnitDiagonalCorrelations()
    {
        var b = new CorrelationCholeskyBijector();
        b.Forward(Tensor.Zeros(3)).ToArray().Should().Equal(1, 0, 0, 0, 1, 0, 0, 0, 1);

        // d = 2: L = [[1, 0], [tanh x, sech x]], so the correlation is tanh x.
        var l2 = b.Forward(Tensor.Vector(0.7)).ToArray();
        l2[2].Should().BeApproximately(Math.Tanh(0.7), 1e-15);
        l2[3].Should().BeApproximately(1 / Math.Cosh(0.7), 1e-15);

        var l = b.Forward(Tensor.FromArray(GradCheck.RandomValues(2 * 10, 3, -3, 3), [2, 10]));
        var c = l.MatMul(l.Transpose()).ToArray();
        for (int m = 0; m < 2; m++)
        {
            for (int i = 0; i < 5; i++)
            {
                c[(m * 25) + (i * 5) + i].Should().BeApproximately(1, 1e-14);
            }
        }

        // Extreme inputs: tanh rounds to ±1, but the diagonal is formed in log space and stays positive.
        var far = b.Forward(Tensor.Vector(40, -40, 40)).ToArray();
        far[8].Should().BeGreaterThan(0);
    }

    [Fact]
    public void CholeskyOuterProductLogDetIsTheCholeskyJacobian()
    {
        // 2^d Π L_ii^{d-i+1} (one-based i) at d = 2: log 4 + 2 log L00 + log L11.
        var l = Tensor.Matrix(new double[,] { { 2, 0 }, { 0.5, 3 } });
        new CholeskyOuterProductBijector().ForwardLogDetJacobian(l).ToScalar().Should().BeApproximately(Math.Log(4) + (2 * Math.Log(2)) + Math.Log(3), 1e-14);
        new CholeskyOuterProductBijector().Forward(l).ToArray().Should().Equal(4, 1, 1, 9.25);
    }

    [Fact]
    public void InversesRejectValuesOutsideTheSetNamingThem()
    {
        Action a = () => new IntervalBijector(0.0, 2.0).Inverse(Tensor.Vector(0.5, 2.5));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*2.5*");
        a = () => new LowerBoundBijector(1.0).Inverse(Tensor.Vector(3, 0.75));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0.75*");
        a = () => new UpperBoundBijector(1.0).Inverse(Tensor.Vector(1.25));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1.25*");
        a = () => new StickBreakingBijector().Inverse(Tensor.FromArray([0.2, 0.8, 0.3, 0.8], [2, 2]));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*event 1*0.3, 0.8*sum 1.1*");
        a = () => new StickBreakingBijector().Inverse(Tensor.Vector(1.5, -0.5));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*-0.5*");
        a = () => new OrderedBijector().Inverse(Tensor.Vector(1, 3, 2));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[1, 3, 2]*");
        a = () => new OrderedBijector(positive: true).Inverse(Tensor.Vector(-1, 3));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*positive*[-1, 3]*");
        a = () => new CorrelationCholeskyBijector().Inverse(Tensor.Matrix(new double[,] { { 1, 0 }, { 0.6, 0.9 } }));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*row 1*0.9*");
        a = () => new CorrelationCholeskyBijector().Inverse(Tensor.Matrix(new double[,] { { 1, 0.1 }, { 0.6, 0.8 } }));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[0, 1] = 0.1*");
        a = () => new CholeskyOuterProductBijector().Inverse(Tensor.Matrix(new double[,] { { 1, 2 }, { 2, 1 } }));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*not positive definite*");
        a = () => new CholeskyOuterProductBijector().Inverse(Tensor.Matrix(new double[,] { { 1, 0.5 }, { 0.4, 1 } }));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0.5*0.4*");
        a = () => _ = new IntervalBijector(1.0, Tensor.Vector(2, 1));
        a.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*upper = 1*lower = 1*");
        a = () => new CorrelationCholeskyBijector().Forward(Tensor.Zeros(4));
        a.Should().Throw<ArgumentException>().WithMessage("*length 4*");
    }
}
