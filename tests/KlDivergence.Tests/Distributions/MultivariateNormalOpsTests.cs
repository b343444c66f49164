using KlDivergence.Distributions;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Distributions;

public class MultivariateNormalOpsTests
{
    /// <summary>(x shape, loc shape, L shape, expected result shape): unbatched, the two W5 patterns, batched L, d = 1, d = 5.</summary>
    public static TheoryData<int[], int[], int[], int[]> Cases => new()
    {
        { [3], [3], [3, 3], [] },
        { [7, 2], [2], [2, 2], [7] },
        { [7, 1, 2], [2, 2], [2, 2, 2], [7, 2] },
        { [3, 2], [2], [3, 2, 2], [3] },
        { [2, 1, 2], [1, 2, 2], [2, 2, 2], [2, 2] },
        { [3], [4, 3], [4, 3, 3], [4] },
        { [5, 1, 3], [3], [4, 3, 3], [5, 4] },
        { [2, 1, 1, 3], [1, 3, 3], [3, 1, 3, 3], [2, 3, 3] },
        { [6, 1], [1], [1, 1], [6] },
        { [4, 5], [5], [5, 5], [4] },
        { [2, 5], [3, 1, 5], [5, 5], [3, 2] },
        { [50, 7], [7], [7, 7], [50] },                   // one μ and L over many draws (by vector lanes when L is lower)
    };

    [Theory]
    [InlineData(new[] { 50, 7 }, new[] { 7, 7 })]          // one μ and L over many draws: vector lanes and a scalar tail
    [InlineData(new[] { 2, 40, 9 }, new[] { 2, 1, 9, 9 })]  // two factors, each over a row of draws
    [InlineData(new[] { 30, 12 }, new[] { 12, 12 })]        // d a multiple of the lane count
    public void AffineOverManyDrawsOfOneLowerFactorIsTheOrderedSumBitForBit(int[] noiseShape, int[] lShape)
    {
        // yᵢ = μᵢ + (0 + Σₖ Lᵢₖ εₖ), the sum taken over k = 0, 1, ..., d - 1 in order, a product and an add each:
        // the draws' loop written here, against the op's vector path (each factor lower triangular).
        int d = lShape[^1];
        var (e, loc, l) = Inputs(noiseShape, [d], lShape, seed: 55);
        var lower = Tensor.FromArray(l, lShape).Tril();
        var y = MultivariateNormalOps.Affine(Tensor.FromArray(loc, [d]), lower, Tensor.FromArray(e, noiseShape)).Values.ToArray();
        var lv = lower.Values.ToArray();
        int factors = lv.Length / (d * d), draws = e.Length / d / factors;
        for (int f = 0; f < factors; f++)
        {
            for (int n = 0; n < draws; n++)
            {
                int at = ((f * draws) + n) * d;
                for (int i = 0; i < d; i++)
                {
                    double s = 0;
                    for (int k = 0; k < d; k++)
                    {
                        s += lv[(f * d * d) + (i * d) + k] * e[at + k];
                    }

                    y[at + i].Should().Be(loc[i] + s, $"factor {f}, draw {n}, row {i}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogDensityMatchesTheExplicitFormulaWithInverseAndDeterminant(int[] xShape, int[] locShape, int[] lShape, int[] expectedShape)
    {
        var (x, loc, l) = Inputs(xShape, locShape, lShape, seed: 10);
        var y = MultivariateNormalOps.LogDensity(Tensor.FromArray(x, xShape), Tensor.FromArray(loc, locShape), Tensor.FromArray(l, lShape));
        y.Shape.Should().Equal(expectedShape);
        var expected = Reference(x, xShape, loc, locShape, l, lShape);
        y.Values.ToArray().Should().Equal(expected, (p, q) => Math.Abs(p - q) < 1e-11 * Math.Max(1, Math.Abs(q)));
    }

    [Fact]
    public void OneDimensionalDensityIsTheUnivariateNormal()
    {
        double[] x = [-1.5, 0.0, 0.3, 2.0];
        var y = MultivariateNormalOps.LogDensity(Tensor.FromArray(x, [4, 1]), Tensor.Vector(0.25), Tensor.Matrix(new[,] { { 1.7 } }));
        var normal = new KlDivergence.Distributions.Normal(0.25, 1.7).LogProb(Tensor.Vector(x));
        y.Values.ToArray().Should().Equal(normal.Values.ToArray(), (p, q) => Math.Abs(p - q) < 1e-14);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogDensityGradientsMatchFiniteDifferences(int[] xShape, int[] locShape, int[] lShape, int[] expectedShape)
    {
        _ = expectedShape;
        var (x, loc, l) = Inputs(xShape, locShape, lShape, seed: 20);
        GradCheck.Check(t => GradCheck.Project(MultivariateNormalOps.LogDensity(t[0], t[1], t[2])), [x, loc, l], [xShape, locShape, lShape]);
    }

    [Fact]
    public void OnlyTheLowerTriangleIsReadAndTheUpperOneGetsNoGradient()
    {
        var (x, loc, l) = Inputs([4, 3], [3], [3, 3], seed: 30);
        var lower = Tensor.FromArray(l, [3, 3]).Tril();
        var full = Tensor.FromArray(l, [3, 3], requiresGrad: true); // random values above the diagonal
        var a = MultivariateNormalOps.LogDensity(Tensor.FromArray(x, [4, 3]), Tensor.Vector(loc), lower);
        var b = MultivariateNormalOps.LogDensity(Tensor.FromArray(x, [4, 3]), Tensor.Vector(loc), full);
        b.Values.ToArray().Should().Equal(a.Values.ToArray());
        b.Sum().Backward();
        full.Grad!.Values.ToArray().Should().Equal([full.Grad[0, 0], 0, 0, full.Grad[1, 0], full.Grad[1, 1], 0, full.Grad[2, 0], full.Grad[2, 1], full.Grad[2, 2]]);
    }

    [Fact]
    public void OnlyTheInputsThatNeedGradientsGetThem()
    {
        var (x, loc, l) = Inputs([5, 2], [2], [2, 2], seed: 40);
        var xt = Tensor.FromArray(x, [5, 2], requiresGrad: true);
        var lt = Tensor.FromArray(l, [2, 2]);
        MultivariateNormalOps.LogDensity(xt, Tensor.Vector(loc), lt).Sum().Backward();
        xt.Grad.Should().NotBeNull();
        lt.Grad.Should().BeNull();

        using (Tensor.NoGrad())
        {
            MultivariateNormalOps.LogDensity(xt, Tensor.Vector(loc), lt).RequiresGrad.Should().BeFalse();
        }
    }

    [Fact]
    public void InvalidShapesAndDiagonalsAreRejected()
    {
        var eye = Tensor.Matrix(new[,] { { 1.0, 0 }, { 0, 1.0 } });
        var shortX = () => MultivariateNormalOps.LogDensity(Tensor.Zeros(3), Tensor.Zeros(2), eye);
        shortX.Should().Throw<ArgumentException>().Where(e => e.ParamName == "x").WithMessage("*[3] does not end in the dimension 2*");
        var badL = () => MultivariateNormalOps.LogDensity(Tensor.Zeros(2), Tensor.Zeros(2), Tensor.Zeros(3, 3));
        badL.Should().Throw<ArgumentException>().Where(e => e.ParamName == "scaleTril").WithMessage("*[..., 2, 2], got [3, 3]*");
        var batch = () => MultivariateNormalOps.LogDensity(Tensor.Zeros(3, 2), Tensor.Zeros(4, 2), eye);
        batch.Should().Throw<ArgumentException>().WithMessage("*cannot be broadcast*");
        var zero = () => MultivariateNormalOps.LogDensity(Tensor.Zeros(2), Tensor.Zeros(2), Tensor.Matrix(new[,] { { 1.0, 0 }, { 0.5, 0.0 } }));
        zero.Should().Throw<ArgumentException>().Where(e => e.ParamName == "scaleTril").WithMessage("*positive diagonal, entry [1, 1] is 0*");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AffineEqualsLocPlusMatMulExactly(int[] noiseShape, int[] locShape, int[] lShape, int[] batchShape)
    {
        _ = batchShape;
        var (e, loc, l) = Inputs(noiseShape, locShape, lShape, seed: 50);
        Tensor et = Tensor.FromArray(e, noiseShape), lt = Tensor.FromArray(l, lShape).Tril(), mt = Tensor.FromArray(loc, locShape);
        var y = MultivariateNormalOps.Affine(mt, lt, et);
        var expected = mt + lt.MatMul(et.Unsqueeze(-1)).Squeeze(-1);
        y.Shape.Should().Equal(expected.Shape);
        y.Values.ToArray().Should().Equal(expected.Values.ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AffineGradientsMatchFiniteDifferences(int[] noiseShape, int[] locShape, int[] lShape, int[] batchShape)
    {
        _ = batchShape;
        var (e, loc, l) = Inputs(noiseShape, locShape, lShape, seed: 60);
        GradCheck.Check(t => GradCheck.Project(MultivariateNormalOps.Affine(t[0], t[1], t[2])), [loc, l, e], [locShape, lShape, noiseShape]);
    }

    [Fact]
    public void AffineGradientsWithConstantNoiseMatchFiniteDifferences()
    {
        // The sampling layout of a fit (noise [n, 2] needing no gradient, one loc and L): the rows' sums run in lanes.
        var (e, loc, l) = Inputs([11, 2], [2], [2, 2], seed: 65);
        var noise = Tensor.FromArray(e, [11, 2]);
        GradCheck.Check(t => GradCheck.Project(MultivariateNormalOps.Affine(t[0], t[1], noise)), [loc, l], [[2], [2, 2]]);
    }

    /// <summary>(x shape, K, d): the W5 mixture (1000 points, 2 components in 2-D), batched points, d = 3 and d = 1.</summary>
    public static TheoryData<int[], int, int> MixtureCases => new()
    {
        { [1000, 2], 2, 2 },
        { [2, 3, 2], 3, 2 },
        { [5, 3], 4, 3 },
        { [3], 2, 3 },
        { [6, 1], 3, 1 },
    };

    [Theory]
    [MemberData(nameof(MixtureCases))]
    public void MixtureLogDensityIsBitEqualToTheGeneralFormValuesAndGradients(int[] xShape, int k, int d)
    {
        var (x, loc, l) = Inputs(xShape, [k, d], [k, d, d], seed: 70);
        var w = GradCheck.RandomValues(k, 74, -2, 0);
        Tensor[] Leaves() => [Tensor.FromArray(x, xShape, requiresGrad: true), Tensor.FromArray(w, [k], requiresGrad: true), Tensor.FromArray(loc, [k, d], requiresGrad: true), Tensor.FromArray(l, [k, d, d], requiresGrad: true)];
        var fused = Leaves();
        var general = Leaves();
        var a = MultivariateNormalOps.MixtureLogDensity(fused[0], fused[1], fused[2], fused[3]);
        var b = MixtureMath.WeightedLogSumExp(MultivariateNormalOps.LogDensity(general[0].Unsqueeze(-2), general[2], general[3]), general[1]);
        a.Shape.Should().Equal(xShape[..^1]);
        a.Values.ToArray().Should().Equal(b.Values.ToArray());
        var g = Tensor.FromArray(GradCheck.RandomValues(a.Length, 75, -1, 1), a.ShapeArray);
        (a * g).Sum().Backward();
        (b * g).Sum().Backward();
        for (int i = 0; i < 4; i++)
        {
            fused[i].Grad!.Values.ToArray().Should().Equal(general[i].Grad!.Values.ToArray(), $"input {i}");
        }
    }

    [Theory]
    [MemberData(nameof(MixtureCases))]
    public void MixtureLogDensityMatchesTheExplicitMixtureFormula(int[] xShape, int k, int d)
    {
        var (x, loc, l) = Inputs(xShape, [k, d], [k, d, d], seed: 80);
        var w = GradCheck.RandomValues(k, 84, 0.1, 1);
        double total = w.Sum();
        var logW = w.Select(v => Math.Log(v / total)).ToArray();
        var y = MultivariateNormalOps.MixtureLogDensity(Tensor.FromArray(x, xShape), Tensor.Vector(logW), Tensor.FromArray(loc, [k, d]), Tensor.FromArray(l, [k, d, d]));

        // log Σₖ wₖ Nₖ(x) by the explicit density (MathNet inverse and determinant), summed directly.
        int[] points = [.. xShape[..^1], 1];
        var perComponent = Reference(x, [.. points, d], loc, [k, d], l, [k, d, d]);
        int n = perComponent.Length / k;
        var expected = Enumerable.Range(0, n).Select(i => Math.Log(Enumerable.Range(0, k).Sum(j => w[j] / total * Math.Exp(perComponent[(i * k) + j])))).ToArray();
        y.Values.ToArray().Should().Equal(expected, (p, q) => Math.Abs(p - q) < 1e-11 * Math.Max(1, Math.Abs(q)));
    }

    [Theory]
    [MemberData(nameof(MixtureCases))]
    public void MixtureLogDensityGradientsMatchFiniteDifferences(int[] xShape, int k, int d)
    {
        if (xShape[0] > 100)
        {
            xShape = [10, d]; // the finite differences are per entry: a small case suffices
        }

        var (x, loc, l) = Inputs(xShape, [k, d], [k, d, d], seed: 90);
        var w = GradCheck.RandomValues(k, 94, -2, 0);
        GradCheck.Check(t => GradCheck.Project(MultivariateNormalOps.MixtureLogDensity(t[0], t[1], t[2], t[3])), [x, w, loc, l], [xShape, [k], [k, d], [k, d, d]]);
    }

    [Fact]
    public void MixtureLogDensityRejectsLayoutsItDoesNotFuse()
    {
        var l = Tensor.Zeros(2, 2, 2) + Tensor.Matrix(new[,] { { 1.0, 0 }, { 0, 1.0 } });
        var unbatched = () => MultivariateNormalOps.MixtureLogDensity(Tensor.Zeros(3, 2), Tensor.Zeros(2), Tensor.Zeros(2), l);
        unbatched.Should().Throw<ArgumentException>().Where(e => e.ParamName == "loc").WithMessage("*loc [K, d]*got [2]*");
        var weights = () => MultivariateNormalOps.MixtureLogDensity(Tensor.Zeros(3, 2), Tensor.Zeros(3), Tensor.Zeros(2, 2), l);
        weights.Should().Throw<ArgumentException>().WithMessage("*logWeights [K]*[3]*");
        var x = () => MultivariateNormalOps.MixtureLogDensity(Tensor.Zeros(3, 3), Tensor.Zeros(2), Tensor.Zeros(2, 2), l);
        x.Should().Throw<ArgumentException>().Where(e => e.ParamName == "x");
    }

    /// <summary>Random x and loc in [-1.5, 1.5]; L with every entry random (also above the diagonal) and a diagonal in [0.7, 1.7].</summary>
    /// <summary>
    /// d = 2 runs of four or more points take a vector path that restates the one-point formula lane by lane: each
    /// point's log-density and x-gradient must be the same bits as the point evaluated on its own (the scalar path),
    /// for the log-density layout (points in a row) and the mixture's (points strided by the K components).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void TheVectorPathForTwoDimensionsIsBitEqualToThePointByPointFormula(int k)
    {
        const int n = 11; // two runs of four and a tail of three
        var (x, loc, l) = Inputs([n, 2], [k, 2], [k, 2, 2], seed: 110);
        var g = GradCheck.RandomValues(n * k, 115, -1, 1);
        int[] xShape = k == 1 ? [n, 2] : [n, 1, 2];
        int[] locShape = k == 1 ? [2] : [k, 2], lShape = k == 1 ? [2, 2] : [k, 2, 2];
        var xs = Tensor.FromArray(x, xShape, requiresGrad: true);
        var all = MultivariateNormalOps.LogDensity(xs, Tensor.FromArray(loc, locShape), Tensor.FromArray(l, lShape));
        (all * Tensor.FromArray(g, all.ShapeArray)).Sum().Backward();
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                // Point i against component c alone: one element, the scalar loop.
                var xi = Tensor.FromArray(x.AsSpan(2 * i, 2), [2], requiresGrad: true);
                var one = MultivariateNormalOps.LogDensity(xi, Tensor.FromArray(loc.AsSpan(2 * c, 2), [2]), Tensor.FromArray(l.AsSpan(4 * c, 4), [2, 2]));
                one.ToScalar().Should().Be(all.Values[(i * k) + c], $"point {i}, component {c}");
                if (k == 1)
                {
                    (one * g[i]).Backward();
                    xi.Grad!.Values.ToArray().Should().Equal(xs.Grad!.Values.Slice(2 * i, 2).ToArray(), $"the x-gradient of point {i}");
                }
            }
        }
    }

    /// <summary>
    /// Any d: runs of four points against one μ and L take a path that solves on vectors of four points, restating the
    /// scalar loop lane by lane. The log-densities and the gradients of x, μ and L must be the same bits as the scalar
    /// loop's, which the same points take when μ is given per point (a row of μ per point, so no run shares one; its
    /// per-point gradients summed here in point order, as the shared μ's are).
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(70)]
    public void TheFourPointPathIsBitEqualToThePointByPointLoop(int d)
    {
        const int n = 11; // two runs of four and a tail of three
        var (x, loc, l) = Inputs([n, d], [d], [d, d], seed: 120 + d);
        var g = GradCheck.RandomValues(n, 125, -1, 1);
        var xs = Tensor.FromArray(x, [n, d], requiresGrad: true);
        var shared = Tensor.FromArray(loc, [d], requiresGrad: true);
        var ls = Tensor.FromArray(l, [d, d], requiresGrad: true);
        var y = MultivariateNormalOps.LogDensity(xs, shared, ls);
        (y * Tensor.FromArray(g, [n])).Sum().Backward();

        var xr = Tensor.FromArray(x, [n, d], requiresGrad: true);
        var perPoint = Tensor.FromArray([.. Enumerable.Range(0, n).SelectMany(_ => loc)], [n, d], requiresGrad: true);
        var lr = Tensor.FromArray(l, [d, d], requiresGrad: true);
        var reference = MultivariateNormalOps.LogDensity(xr, perPoint, lr);
        (reference * Tensor.FromArray(g, [n])).Sum().Backward();

        y.Values.ToArray().Should().Equal(reference.Values.ToArray());
        xs.Grad!.Values.ToArray().Should().Equal(xr.Grad!.Values.ToArray());
        ls.Grad!.Values.ToArray().Should().Equal(lr.Grad!.Values.ToArray());
        var summed = new double[d];
        for (int p = 0; p < n; p++)
        {
            for (int i = 0; i < d; i++)
            {
                summed[i] += perPoint.Grad!.Values[(p * d) + i];
            }
        }

        shared.Grad!.Values.ToArray().Should().Equal(summed);
    }

    private static (double[] X, double[] Loc, double[] L) Inputs(int[] xShape, int[] locShape, int[] lShape, int seed)
    {
        var x = GradCheck.RandomValues(Size(xShape), seed, -1.5, 1.5);
        var loc = GradCheck.RandomValues(Size(locShape), seed + 1, -1.5, 1.5);
        var l = GradCheck.RandomValues(Size(lShape), seed + 2, -0.8, 0.8);
        int d = lShape[^1];
        for (int b = 0; b < l.Length / (d * d); b++)
        {
            for (int i = 0; i < d; i++)
            {
                l[(b * d * d) + (i * d) + i] = 1.2 + (0.5 * l[(b * d * d) + (i * d) + i] / 0.8);
            }
        }

        return (x, loc, l);
    }

    /// <summary>
    /// The explicit formula -½ rᵀ Σ⁻¹ r - ½ log det Σ - (d/2) log 2π with Σ = tril(L) tril(L)ᵀ inverted by MathNet,
    /// evaluated at every index of the broadcast batch shape (NumPy rules, written out index by index).
    /// </summary>
    private static double[] Reference(double[] x, int[] xShape, double[] loc, int[] locShape, double[] l, int[] lShape)
    {
        int d = locShape[^1];
        int[] xb = xShape[..^1], mb = locShape[..^1], lb = lShape[..^2];
        int rank = Math.Max(xb.Length, Math.Max(mb.Length, lb.Length));
        var shape = new int[rank];
        for (int k = 0; k < rank; k++)
        {
            shape[k] = Math.Max(Dim(xb, k, rank), Math.Max(Dim(mb, k, rank), Dim(lb, k, rank)));
        }

        var result = new double[Size(shape)];
        var index = new int[rank];
        for (int n = 0; n < result.Length; n++)
        {
            int rest = n;
            for (int k = rank - 1; k >= 0; k--)
            {
                index[k] = rest % shape[k];
                rest /= shape[k];
            }

            int xo = Flat(xb, index) * d, mo = Flat(mb, index) * d, lo = Flat(lb, index) * d * d;
            var tril = Matrix<double>.Build.Dense(d, d, (i, j) => j <= i ? l[lo + (i * d) + j] : 0);
            var sigma = tril * tril.Transpose();
            var r = Vector<double>.Build.Dense(d, i => x[xo + i] - loc[mo + i]);
            result[n] = (-0.5 * (r * sigma.Inverse() * r)) - (0.5 * Math.Log(sigma.Determinant())) - (0.5 * d * Math.Log(2 * Math.PI));
        }

        return result;
    }

    private static int Dim(int[] shape, int k, int rank) => k < rank - shape.Length ? 1 : shape[k - (rank - shape.Length)];

    /// <summary>The flat batch index of an operand at an output index: right-aligned, index 0 along its length-1 dimensions.</summary>
    private static int Flat(int[] shape, int[] index)
    {
        int flat = 0, offset = index.Length - shape.Length;
        for (int k = 0; k < shape.Length; k++)
        {
            flat = (flat * shape[k]) + (shape[k] == 1 ? 0 : index[k + offset]);
        }

        return flat;
    }

    private static int Size(int[] shape) => shape.Aggregate(1, (a, b) => a * b);
}
