using KlDivergence.Bijectors;
using KlDivergence.Inference.Flows;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Inference.Flows;

/// <summary>
/// Every flow layer against independent references: log |det J| against the determinant of a central-difference
/// Jacobian, round trips through the inverse, the autoregressive structure of the Jacobian, and the implicit
/// gradient of the planar inverse against finite differences in the parameters.
/// </summary>
public class FlowBijectorTests
{
    public static TheoryData<string> Layers => ["coupling", "coupling-odd", "iaf", "maf", "planar", "permute"];

    /// <summary>A layer of dimension 3 with its parameters moved off their (identity) start, so nothing is trivially zero.</summary>
    internal static Bijector Layer(string kind, int dimension = 3, ulong seed = 5)
    {
        var random = new RandomStream(seed);
        Bijector layer = kind switch
        {
            "coupling" => new AffineCouplingBijector([.. Enumerable.Range(0, dimension).Select(i => i % 2 == 0)], [8, 8], random),
            "coupling-odd" => new AffineCouplingBijector([.. Enumerable.Range(0, dimension).Select(i => i % 2 == 1)], [6], random, Activation.Elu),
            "iaf" => new InverseAutoregressiveBijector(dimension, [8, 8], random),
            "maf" => new MaskedAutoregressiveBijector(dimension, [8], random, Activation.Softplus),
            "planar" => new PlanarBijector(dimension, random),
            "permute" => new PermuteBijector([.. Enumerable.Range(0, dimension).Select(i => (i + 1) % dimension)]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        if (layer is FlowBijector flow)
        {
            Perturb(flow.Parameters, random, 0.4);
        }

        return layer;
    }

    internal static void Perturb(IEnumerable<Parameter> parameters, RandomStream random, double scale)
    {
        foreach (var p in parameters)
        {
            var v = p.ToArray();
            for (int i = 0; i < v.Length; i++)
            {
                v[i] += scale * random.NextStandardNormal();
            }

            p.Assign(Tensor.FromArray(v, [.. p.Unconstrained.Shape]));
        }
    }

    private static Tensor Points(int n, int d, ulong seed)
    {
        var x = new double[n * d];
        new RandomStream(seed).FillStandardNormal(x);
        return Tensor.FromArray(x, [n, d]);
    }

    /// <summary>The Jacobian ∂yᵢ/∂xⱼ at one point by central differences (step 1e-5, error O(h²) ≈ 1e-10).</summary>
    private static double[,] FiniteDifferenceJacobian(Bijector b, double[] x)
    {
        int d = x.Length;
        var jac = new double[d, d];
        const double h = 1e-5;
        for (int j = 0; j < d; j++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[j] += h;
            minus[j] -= h;
            var yp = b.Forward(Tensor.Vector(plus)).ToArray();
            var ym = b.Forward(Tensor.Vector(minus)).ToArray();
            for (int i = 0; i < d; i++)
            {
                jac[i, j] = (yp[i] - ym[i]) / (2 * h);
            }
        }

        return jac;
    }

    private static double LogAbsDet(double[,] a)
    {
        int n = a.GetLength(0);
        var m = (double[,])a.Clone();
        double logDet = 0;
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int k = 0; k < n; k++)
            {
                (m[c, k], m[pivot, k]) = (m[pivot, k], m[c, k]);
            }

            logDet += Math.Log(Math.Abs(m[c, c]));
            for (int r = c + 1; r < n; r++)
            {
                double f = m[r, c] / m[c, c];
                for (int k = c; k < n; k++)
                {
                    m[r, k] -= f * m[c, k];
                }
            }
        }

        return logDet;
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void LogDetMatchesTheFiniteDifferenceJacobian(string kind)
    {
        var b = Layer(kind);
        var x = Points(6, 3, 11);
        var logDet = b.ForwardLogDetJacobian(x).ToArray();
        logDet.Should().HaveCount(6);
        for (int n = 0; n < 6; n++)
        {
            var xn = x.ToArray().AsSpan(n * 3, 3).ToArray();
            logDet[n].Should().BeApproximately(LogAbsDet(FiniteDifferenceJacobian(b, xn)), 1e-7, $"{kind} point {n}");
        }

        if (kind != "permute")
        {
            // The perturbation made the layers non-trivial: some log-determinant is far from 0.
            logDet.Max(Math.Abs).Should().BeGreaterThan(1e-3);
        }
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void InverseUndoesForward(string kind)
    {
        var b = Layer(kind);
        var x = Points(50, 3, 12);
        var y = b.Forward(x);
        var back = b.Inverse(y).ToArray();
        var xs = x.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            back[i].Should().BeApproximately(xs[i], 1e-10);
        }

        // And the other way, from points that were not produced by Forward.
        var z = Points(50, 3, 13);
        var again = b.Forward(b.Inverse(z)).ToArray();
        for (int i = 0; i < again.Length; i++)
        {
            again[i].Should().BeApproximately(z.Values[i], 1e-10);
        }
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void InverseLogDetIsMinusTheForwardOne(string kind)
    {
        var b = Layer(kind);
        var x = Points(5, 3, 14);
        var forward = b.ForwardLogDetJacobian(x).ToArray();
        var inverse = b.InverseLogDetJacobian(b.Forward(x)).ToArray();
        for (int i = 0; i < 5; i++)
        {
            inverse[i].Should().BeApproximately(-forward[i], 1e-10);
        }
    }

    [Theory]
    [InlineData("iaf")]
    [InlineData("maf")]
    public void AutoregressiveJacobiansAreLowerTriangular(string kind)
    {
        var b = Layer(kind, dimension: 4);
        var jac = FiniteDifferenceJacobian(b, [0.3, -0.7, 1.1, 0.2]);
        for (int i = 0; i < 4; i++)
        {
            for (int j = i + 1; j < 4; j++)
            {
                jac[i, j].Should().BeApproximately(0, 1e-12, $"y{i} must not depend on x{j}");
            }
        }

        // The layer is not trivially diagonal: the last coordinate depends on the first.
        Math.Abs(jac[3, 0]).Should().BeGreaterThan(1e-4);
    }

    [Fact]
    public void BatchedAndSingleEventsAgree()
    {
        var b = (FlowBijector)Layer("coupling");
        var x = Points(4, 3, 15);
        var batched = b.Forward(x.Reshape(2, 2, 3));
        batched.Shape.Should().Equal(2, 2, 3);
        b.ForwardLogDetJacobian(x.Reshape(2, 2, 3)).Shape.Should().Equal(2, 2);
        var single = b.Forward(x.Select(0, 2));
        single.Shape.Should().Equal(3);
        single.ToArray().Should().Equal(batched.Select(0, 1).Select(0, 0).ToArray());
        b.ForwardLogDetJacobian(x.Select(0, 2)).Shape.Should().BeEmpty();
    }

    [Fact]
    public void PlanarInverseGradientMatchesFiniteDifferences()
    {
        // The inverse is found by bisection; its gradient comes from one Newton step in the graph (implicit function
        // theorem). Check d/dθ Σ f⁻¹(y) against central differences of the bisection result in every parameter.
        var b = (PlanarBijector)Layer("planar");
        var y = Points(4, 3, 16);
        foreach (var p in b.Parameters)
        {
            p.Unconstrained.ZeroGrad();
        }

        b.Inverse(y).Sum().Backward();
        foreach (var p in b.Parameters)
        {
            var g = p.Unconstrained.Grad!.ToArray();
            var v = p.ToArray();
            for (int i = 0; i < v.Length; i++)
            {
                const double h = 1e-6;
                var plus = (double[])v.Clone();
                var minus = (double[])v.Clone();
                plus[i] += h;
                minus[i] -= h;
                p.Assign(Tensor.FromArray(plus, [v.Length]));
                double fp = b.Inverse(y).Sum().ToScalar();
                p.Assign(Tensor.FromArray(minus, [v.Length]));
                double fm = b.Inverse(y).Sum().ToScalar();
                p.Assign(Tensor.FromArray(v, [v.Length]));
                g[i].Should().BeApproximately((fp - fm) / (2 * h), 1e-6, $"{p.Name}[{i}]");
            }
        }
    }

    [Fact]
    public void PlanarReparameterisationKeepsTheMapInvertibleForAnyU()
    {
        // u chosen against w (wᵀu = -5): without the reparameterisation wᵀu < -1 and the map folds.
        var b = new PlanarBijector(2, new RandomStream(1UL));
        b.Parameters[0].Assign(Tensor.Vector(1.0, 0.0));
        b.Parameters[1].Assign(Tensor.Vector(-5.0, 0.0));
        b.Parameters[2].Assign(Tensor.Vector(0.0));
        var line = Tensor.FromArray([.. Enumerable.Range(0, 201).SelectMany(i => new[] { -5 + (i * 0.05), 0.0 })], [201, 2]);
        var y = b.Forward(line).ToArray();
        for (int i = 1; i < 201; i++)
        {
            y[2 * i].Should().BeGreaterThan(y[2 * (i - 1)], "the map is strictly increasing along w");
        }

        b.ForwardLogDetJacobian(line).ToArray().Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var random = new RandomStream(1UL);
        FluentActions.Invoking(() => new AffineCouplingBijector([true, true], [4], random)).Should().Throw<ArgumentException>().WithParameterName("passThrough");
        FluentActions.Invoking(() => new InverseAutoregressiveBijector(4, [2], random)).Should().Throw<ArgumentException>().WithParameterName("hiddenLayers");
        FluentActions.Invoking(() => new PermuteBijector(0, 0)).Should().Throw<ArgumentException>().WithParameterName("permutation");
        FluentActions.Invoking(() => Layer("coupling").Forward(Tensor.Zeros(2, 4))).Should().Throw<ArgumentException>().WithParameterName("x");
    }
}
