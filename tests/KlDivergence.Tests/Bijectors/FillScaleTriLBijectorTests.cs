using KlDivergence.Bijectors;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Bijectors;

public class FillScaleTriLBijectorTests
{
    private static double Softplus(double v) => Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v)));

    [Fact]
    public void FillsTheLowerTriangleRowByRow()
    {
        var b = new FillScaleTriLBijector();
        double[] v = [1, 2, 3, 4, 5, 6];
        var l = b.Forward(v);
        l.Shape.Should().Equal(3, 3);
        double s = 1e-5;
        l.ToArray().Should().BeEquivalentTo(
            new[] { Softplus(1) + s, 0, 0, 2, Softplus(3) + s, 0, 4, 5, Softplus(6) + s },
            o => o.WithStrictOrdering().Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-15)).WhenTypeIs<double>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void RoundTripsBatched(int d)
    {
        var b = new FillScaleTriLBijector();
        int n = d * (d + 1) / 2;
        var x = Tensor.FromArray([.. GradCheck.RandomValues(2 * 3 * n, d, -30, 30), ], [2, 3, n]);
        var l = b.Forward(x);
        l.Shape.Should().Equal(2, 3, d, d);
        b.ForwardShape([2, 3, n]).Should().Equal(2, 3, d, d);
        b.InverseShape([2, 3, d, d]).Should().Equal(2, 3, n);
        b.ForwardLogDetJacobian(x).Shape.Should().Equal(2, 3);

        var back = b.Inverse(l);
        back.Shape.Should().Equal(2, 3, n);
        var xs = x.ToArray();
        var bs = back.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            // The diagonal passes through softplus(x) + 1e-5: for x ≪ 0 that is ≈ 1e-5 and x is lost, so the
            // diagonal round trip is checked where softplus(x) dominates the shift (x > -5), the rest exactly.
            bs[i].Should().BeApproximately(xs[i], xs[i] > -5 ? 1e-9 * Math.Max(1, Math.Abs(xs[i])) : 30, $"entry {i}");
        }

        var again = b.Forward(back).ToArray();
        var ls = l.ToArray();
        for (int i = 0; i < ls.Length; i++)
        {
            again[i].Should().BeApproximately(ls[i], 1e-12 * Math.Max(1, Math.Abs(ls[i])));
        }
    }

    [Fact]
    public void RoundTripsTo1e12WithoutShift()
    {
        var b = new FillScaleTriLBijector(new SoftplusBijector(), 0);
        double[] x = [.. GradCheck.RandomValues(10, 21, -30, 30)];
        var back = b.Inverse(b.Forward(x)).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            back[i].Should().BeApproximately(x[i], 1e-12 * Math.Max(1, Math.Abs(x[i])));
        }
    }

    [Theory]
    [InlineData("Softplus")]
    [InlineData("Exp")]
    public void LogDetMatchesFiniteDifferenceJacobianDeterminant(string diagonal)
    {
        Bijector g = diagonal == "Exp" ? new ExpBijector() : new SoftplusBijector();
        var b = new FillScaleTriLBijector(g);
        const int d = 3, n = 6;
        double[] x = GradCheck.RandomValues(n, 22, -2, 2);

        // The free entries of L, in the same packed order: L00, L10, L11, L20, L21, L22.
        double[] Free(double[] v)
        {
            var l = b.Forward(v);
            var f = new double[n];
            int k = 0;
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    f[k++] = l[i, j];
                }
            }

            return f;
        }

        var jac = Matrix<double>.Build.Dense(n, n);
        for (int c = 0; c < n; c++)
        {
            double h = 1e-6;
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[c] += h;
            minus[c] -= h;
            double[] fp = Free(plus), fm = Free(minus);
            for (int r = 0; r < n; r++)
            {
                jac[r, c] = (fp[r] - fm[r]) / (2 * h);
            }
        }

        double numeric = Math.Log(Math.Abs(jac.Determinant()));
        b.ForwardLogDetJacobian(x).ToScalar().Should().BeApproximately(numeric, 1e-7);
        b.InverseLogDetJacobian(b.Forward(x)).ToScalar().Should().BeApproximately(-numeric, 1e-7);
    }

    [Fact]
    public void GradientsPassGradCheck()
    {
        var b = new FillScaleTriLBijector();
        double[] x = GradCheck.RandomValues(12, 23, -2, 2);
        GradCheck.Check(t => GradCheck.Project(b.Forward(t[0])), [x], [[2, 6]]);
        GradCheck.Check(t => GradCheck.Project(b.ForwardLogDetJacobian(t[0])), [x], [[2, 6]]);

        double[] l;
        using (Tensor.NoGrad())
        {
            l = b.Forward(Tensor.FromArray(x, [2, 6])).ToArray();
        }

        GradCheck.Check(t => GradCheck.Project(b.Inverse(t[0])), [l], [[2, 3, 3]], step: 1e-7, tolerance: 1e-5);
        GradCheck.Check(t => GradCheck.Project(b.InverseLogDetJacobian(t[0])), [l], [[2, 3, 3]], step: 1e-7, tolerance: 1e-5);
    }

    [Fact]
    public void ChainWithAnElementwisePartSumsTheLogDetPerBatch()
    {
        var chain = new ChainBijector(new SoftClipBijector(-5, 5), new FillScaleTriLBijector());
        chain.InputEventRank.Should().Be(1);
        chain.OutputEventRank.Should().Be(2);
        var x = Tensor.FromArray(GradCheck.RandomValues(12, 24, -3, 3), [2, 6]);
        var ldj = chain.ForwardLogDetJacobian(x);
        ldj.Shape.Should().Equal(2);
        var first = new SoftClipBijector(-5, 5);
        var expected = first.ForwardLogDetJacobian(x).Sum(1) + new FillScaleTriLBijector().ForwardLogDetJacobian(first.Forward(x));
        ldj.ToArray().Should().BeEquivalentTo(expected.ToArray(), o => o.Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-12)).WhenTypeIs<double>());
        chain.Inverse(chain.Forward(x)).ToArray().Zip(x.ToArray()).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-9);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    public void NonTriangularLengthThrowsNamingTheLength(int length)
    {
        var b = new FillScaleTriLBijector();
        var act = () => b.Forward(Tensor.Zeros(length));
        act.Should().Throw<ArgumentException>().WithMessage($"*got length {length}*");
        var act2 = () => b.ForwardShape([3, length]);
        act2.Should().Throw<ArgumentException>().WithMessage($"*got length {length}*");
    }

    [Fact]
    public void InverseOfANonPositiveDiagonalThrowsNamingTheValue()
    {
        var b = new FillScaleTriLBijector();
        var l = Tensor.Matrix(new double[,] { { 1, 0 }, { 0.5, -0.25 } });
        var act = () => b.Inverse(l);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*FillScaleTriL*-0.25*");
        var act2 = () => b.Inverse(Tensor.Zeros(2, 3));
        act2.Should().Throw<ArgumentException>().WithMessage("*[2, 3]*");
    }
}
