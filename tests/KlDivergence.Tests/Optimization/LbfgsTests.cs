using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Optimization;

/// <summary>L-BFGS against problems whose minimum is known in closed form, and the two-loop recursion against A⁻¹.</summary>
public class LbfgsTests
{
    private static double Rosenbrock(double[] x, double[] g)
    {
        double a = 1 - x[0], b = x[1] - (x[0] * x[0]);
        g[0] = (-2 * a) - (400 * x[0] * b);
        g[1] = 200 * b;
        return (a * a) + (100 * b * b);
    }

    [Fact]
    public void RosenbrockReachesItsMinimumAtOneOne()
    {
        int calls = 0;
        var trace = Lbfgs.Minimize((x, g) => { calls++; return Rosenbrock(x, g); }, [-1.2, 1.0]);
        trace.Converged.Should().BeTrue($"it stopped by {trace.StopReason}");
        trace.Minimizer[0].Should().BeApproximately(1, 1e-6);
        trace.Minimizer[1].Should().BeApproximately(1, 1e-6);
        trace.Value.Should().BeLessThan(1e-12);
        trace.Evaluations.Should().Be(calls, "every evaluation, the line searches' included, is counted");
        trace.Iterates.Select(i => i.Value).Should().BeInDescendingOrder("every accepted step lowers f");
    }

    [Fact]
    public void AnIllConditionedQuadraticReachesItsMinimum()
    {
        // f(x) = ½ (x - c)ᵀ A (x - c) with A = Q diag(1, 10², 10⁴, 10⁶) Q, Q = I - 2uuᵀ/uᵀu (a Householder reflection): condition 10⁶.
        double[] lambda = [1, 1e2, 1e4, 1e6];
        double[] u = [1, 2, -1, 0.5];
        double[] c = [0.3, -2, 1.5, 4];
        double uu = u.Sum(v => v * v);
        var q = new double[4, 4];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                q[i, j] = (i == j ? 1 : 0) - (2 * u[i] * u[j] / uu);
            }
        }

        var a = new double[4, 4];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                for (int k = 0; k < 4; k++)
                {
                    a[i, j] += q[i, k] * lambda[k] * q[j, k];
                }
            }
        }

        double F(double[] x, double[] g)
        {
            double f = 0;
            for (int i = 0; i < 4; i++)
            {
                g[i] = 0;
                for (int j = 0; j < 4; j++)
                {
                    g[i] += a[i, j] * (x[j] - c[j]);
                }

                f += 0.5 * (x[i] - c[i]) * g[i];
            }

            return f;
        }

        var trace = Lbfgs.Minimize(F, [0.0, 0, 0, 0], new LbfgsOptions { GradientTolerance = 1e-9, RelativeTolerance = 0 });
        trace.Converged.Should().BeTrue($"it stopped by {trace.StopReason}");
        for (int i = 0; i < 4; i++)
        {
            trace.Minimizer[i].Should().BeApproximately(c[i], 1e-8);
        }
    }

    [Fact]
    public void TwoLoopInverseHessianIsExactAfterDExactLineSearchSteps()
    {
        // BFGS with exact line searches on a quadratic has H_d = A⁻¹ (quadratic termination; Nocedal & Wright
        // section 6.1 / theorem 6.4 for the Broyden class). With d pairs kept and H₀ = I throughout, L-BFGS is BFGS.
        var a = Quadratic.A;
        var x = Quadratic.X0;
        var pairs = new List<LbfgsCorrection>();
        double[] ones = [1, 1, 1];
        for (int k = 0; k < 3; k++)
        {
            var g = Quadratic.Gradient(x);
            var p = new double[3];
            Lbfgs.ApplyInverseHessian(g, pairs, ones, p);
            p = [.. p.Select(v => -v)];
            var ap = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 3).Sum(j => a[i, j] * p[j])).ToArray();
            double step = -g.Zip(p, (gi, pi) => gi * pi).Sum() / p.Zip(ap, (pi, api) => pi * api).Sum();
            var s = p.Select(v => step * v).ToArray();
            var y = ap.Select(v => step * v).ToArray();
            pairs.Add(new LbfgsCorrection(k + 1, s, y));
            x = [.. x.Zip(s, (xi, si) => xi + si)];
        }

        // A⁻¹ = adj(A)/det(A), written out for the 3 × 3 case.
        double det = (a[0, 0] * ((a[1, 1] * a[2, 2]) - (a[1, 2] * a[2, 1]))) - (a[0, 1] * ((a[1, 0] * a[2, 2]) - (a[1, 2] * a[2, 0]))) + (a[0, 2] * ((a[1, 0] * a[2, 1]) - (a[1, 1] * a[2, 0])));
        double Cofactor(int i, int j)
        {
            int[] r = [.. Enumerable.Range(0, 3).Where(v => v != i)], cc = [.. Enumerable.Range(0, 3).Where(v => v != j)];
            double minor = (a[r[0], cc[0]] * a[r[1], cc[1]]) - (a[r[0], cc[1]] * a[r[1], cc[0]]);
            return ((i + j) % 2 == 0 ? 1 : -1) * minor;
        }

        var column = new double[3];
        for (int j = 0; j < 3; j++)
        {
            var e = new double[3];
            e[j] = 1;
            Lbfgs.ApplyInverseHessian(e, pairs, ones, column);
            for (int i = 0; i < 3; i++)
            {
                column[i].Should().BeApproximately(Cofactor(j, i) / det, 1e-12, $"H[{i},{j}]");
            }
        }

        x.Zip(Quadratic.Minimizer()).Should().OnlyContain(t => Math.Abs(t.First - t.Second) < 1e-12, "d exact steps reach the minimum");
    }

    [Fact]
    public void ParametersAreLeftAtTheMinimiserAndTheHistoryIsKept()
    {
        // The same quadratic over two parameters, x = [p₀, p₁ | q₀].
        var p = new Parameter(Tensor.Vector(0.5, -1.0), name: "p");
        var r = new Parameter(Tensor.Vector(2.0), name: "q");
        Tensor Loss()
        {
            var x = ShapeOps.Concat(0, p.Value, r.Value);
            var ax = Tensor.Matrix(Quadratic.A).MatMul(x.Unsqueeze(1)).Squeeze(1);
            return ((x * ax).Sum() * 0.5) - (x * Tensor.Vector(Quadratic.B)).Sum();
        }

        var trace = Lbfgs.Minimize(Loss, [p, r], new LbfgsOptions { HistorySize = 2 });
        var expected = Quadratic.Minimizer();
        trace.Converged.Should().BeTrue();
        p.ToArray()[0].Should().BeApproximately(expected[0], 1e-7);
        p.ToArray()[1].Should().BeApproximately(expected[1], 1e-7);
        r.ToArray()[0].Should().BeApproximately(expected[2], 1e-7);
        trace.Corrections.Should().NotBeEmpty();
        foreach (var pair in trace.Corrections)
        {
            pair.S.Zip(pair.Y, (s, y) => s * y).Sum().Should().BePositive("only pairs with positive curvature are kept");
        }
    }

    [Fact]
    public void EvaluationsReuseTheirIntermediatesWithoutChangingTheRunAndAKeptOneThrows()
    {
        // (w·x - y)² summed over 200 points: its intermediates are long enough to be pooled.
        var xs = Enumerable.Range(0, 200).Select(i => i / 100.0).ToArray();
        var xt = Tensor.FromArray(xs, [200]);
        var yt = Tensor.FromArray([.. xs.Select(x => (3 * x) - 1)], [200]);
        (LbfgsTrace Trace, Tensor Kept) Run(bool reuse)
        {
            var w = new Parameter(Tensor.Vector(0.0, 0.0), name: "w");
            Tensor? kept = null;
            var trace = Lbfgs.Minimize(
                () =>
                {
                    var residual = ((w.Value.Narrow(0, 0, 1) * xt) + w.Value.Narrow(0, 1, 1)) - yt;
                    kept = residual;
                    return residual.Square().Sum();
                },
                [w],
                new LbfgsOptions { ReuseIntermediates = reuse });
            return (trace, kept!);
        }

        var (reused, expired) = Run(reuse: true);
        var (fresh, kept) = Run(reuse: false);
        reused.Iterates.Select(i => i.Value).Should().Equal(fresh.Iterates.Select(i => i.Value));
        reused.Minimizer.Should().Equal(fresh.Minimizer);
        reused.Minimizer[0].Should().BeApproximately(3, 1e-6);
        var read = () => expired.ToArray();
        read.Should().Throw<InvalidOperationException>().WithMessage("*Clone()*");
        kept.ToArray().Should().HaveCount(200);
    }

    [Fact]
    public void BadOptionsAndStartsAreRefusedByName()
    {
        var nan = () => Lbfgs.Minimize((x, g) => double.NaN, [0.0]);
        nan.Should().Throw<ArgumentException>().WithParameterName("initial");
        var wolfe = () => Lbfgs.Minimize(Rosenbrock, [0.0, 0.0], new LbfgsOptions { Curvature = 1e-5 });
        wolfe.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Curvature");
    }
}
