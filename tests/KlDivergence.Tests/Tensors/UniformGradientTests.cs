using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// Below a sum, the backward pass carries a gradient that is one value everywhere as that value, and element-wise rules
/// read it from one short block instead of a written-out array. Every gradient must be the bits the rules compute from
/// the written-out array (one call of the derivative kernel over the whole input), for 1, 2 and 8 workers, and sums of
/// several contributions must match formulas worked per element.
/// </summary>
public class UniformGradientTests
{
    /// <summary>The output gradient's value: not 1, so a rule that ignored it (or read 1 from somewhere) fails.</summary>
    private const double C = 0.37;

    /// <summary>One block, several blocks on one thread (below the split threshold), and a split with a ragged last block.</summary>
    private static int[] Lengths(int splitThreshold) => [100, (2 * UniformGradient.BlockLength) + 5, splitThreshold + 3];

    public static TheoryData<string> UnaryOps => ElementwiseTable.Names(ElementwiseTable.Unary().Select(op => op.Name));

    public static TheoryData<string> BinaryOps => ElementwiseTable.Names(ElementwiseTable.Binary().Select(op => op.Name));

    /// <summary>Arguments in every op's domain: positive where the op needs it, else of both signs.</summary>
    private static double[] Arguments(string op, int n, int seed) =>
        op is "sqrt" or "log" or "log1p" or "lgamma" or "digamma" or "reciprocal"
            ? GradCheck.RandomValues(n, seed, 0.5, 3)
            : GradCheck.RandomValues(n, seed, -3, 3);

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void AUnaryOpsGradientBelowASumIsItsDerivativeOfTheWrittenOutValueBitForBit(string name)
    {
        var op = ElementwiseTable.Unary().Single(o => o.Name == name);
        foreach (int n in Lengths(op.SplitThreshold))
        {
            var xv = Arguments(name, n, 31);
            var y = new double[n];
            var expected = new double[n];
            op.Forward(xv, y);
            op.Derivative(xv, y, Enumerable.Repeat(C, n).ToArray(), expected);
            foreach (int workers in Workers.Counts)
            {
                var gradient = Workers.With(workers, () =>
                {
                    var x = Tensor.FromArray(xv, [n], requiresGrad: true);
                    var result = TensorOps.Unary(op, x);
                    result.Node!.BackwardUniform.Should().NotBeNull("an element-wise op reads a uniform gradient from a block");
                    (result.Sum() * C).Backward();
                    return x.Grad!.ToArray();
                });
                gradient.Should().Equal(expected, $"{name} over {n} with {workers} workers");
            }
        }
    }

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void ABinaryOpsGradientsBelowASumAreItsDerivativesOfTheWrittenOutValueBitForBit(string name)
    {
        var op = ElementwiseTable.Binary().Single(o => o.Name == name);
        foreach (int n in Lengths(ElementwiseSplit.Threshold))
        {
            var av = GradCheck.RandomValues(n, 41, -3, 3);
            var bv = GradCheck.RandomValues(n, 42, 0.5, 3);
            var y = new double[n];
            var g = Enumerable.Repeat(C, n).ToArray();
            double[] expectedA = new double[n], expectedB = new double[n];
            op.Forward(av, bv, y);
            op.GradLeft(av, bv, y, g, expectedA);
            op.GradRight(av, bv, y, g, expectedB);
            foreach (int workers in Workers.Counts)
            {
                var (ga, gb) = Workers.With(workers, () =>
                {
                    var a = Tensor.FromArray(av, [n], requiresGrad: true);
                    var b = Tensor.FromArray(bv, [n], requiresGrad: true);
                    var node = TensorOps.Binary(op, a, b).Node!;
                    (node.UniformFactors is not null || node.BackwardUniform is not null).Should().BeTrue("same-shaped operands take the uniform rules");
                    (TensorOps.Binary(op, a, b).Sum() * C).Backward();
                    return (a.Grad!.ToArray(), b.Grad!.ToArray());
                });
                ga.Should().Equal(expectedA, $"the left gradient of {name} over {n} with {workers} workers");
                gb.Should().Equal(expectedB, $"the right gradient of {name} over {n} with {workers} workers");
            }
        }
    }

    /// <summary>A user's op, u·v², with ∂/∂u = v² and ∂/∂v = 2uv (a plain loop: the custom-op hook as a user writes it).</summary>
    private sealed class ProductWithSquare() : CustomOp("product with square", 2)
    {
        public override void Forward(in CustomOpBlock block, Span<double> output)
        {
            ReadOnlySpan<double> u = block.Input(0), v = block.Input(1);
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = u[i] * v[i] * v[i];
            }
        }

        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient)
        {
            ReadOnlySpan<double> u = block.Input(0), v = block.Input(1);
            for (int i = 0; i < outputGradient.Length; i++)
            {
                if (block.NeedsGradient(0))
                {
                    block.Gradient(0)[i] = outputGradient[i] * v[i] * v[i];
                }

                if (block.NeedsGradient(1))
                {
                    block.Gradient(1)[i] = outputGradient[i] * 2 * u[i] * v[i];
                }
            }
        }
    }

    [Fact]
    public void ACustomOpsGradientsBelowASumAreItsBackwardOfTheWrittenOutValueBitForBit()
    {
        // Inputs of the output's shape, and one broadcast along rows (its gradient summed back to its shape).
        var op = new ProductWithSquare();
        foreach (int n in Lengths(op.ParallelThreshold))
        {
            int rows = n / 5;
            var uv = GradCheck.RandomValues(rows * 5, 51, -2, 2);
            var vv = GradCheck.RandomValues(5, 52, 0.5, 2);
            double[] expectedU = new double[rows * 5], expectedV = new double[5];
            for (int i = 0; i < rows * 5; i++)
            {
                double v = vv[i % 5];
                expectedU[i] = C * v * v;
            }

            foreach (int workers in Workers.Counts)
            {
                var (gu, gv, dense) = Workers.With(workers, () =>
                {
                    var u = Tensor.FromArray(uv, [rows, 5], requiresGrad: true);
                    var v = Tensor.FromArray(vv, [5], requiresGrad: true);
                    (op.Apply(u, v).Sum() * C).Backward();

                    // The same op seeded with the written-out gradient: the rule's dense path, for the broadcast input's bits.
                    var v2 = Tensor.FromArray(vv, [5], requiresGrad: true);
                    op.Apply(Tensor.FromArray(uv, [rows, 5]), v2).Backward(Tensor.FromArray(Enumerable.Repeat(C, rows * 5).ToArray(), [rows, 5]));
                    return (u.Grad!.ToArray(), v.Grad!.ToArray(), v2.Grad!.ToArray());
                });
                gu.Should().Equal(expectedU, $"∂/∂u over {n} with {workers} workers");
                gv.Should().Equal(dense, $"∂/∂v over {n} with {workers} workers");
                for (int j = 0; j < 5; j++)
                {
                    double reference = 0;
                    for (int r = 0; r < rows; r++)
                    {
                        reference += C * 2 * uv[(r * 5) + j] * vv[j];
                    }

                    // (n - 1)·u·Σ|terms| bounds any order of summation (Higham, Accuracy and Stability, §4.2).
                    double bound = rows * double.Epsilon + (rows * 1.2e-16 * Enumerable.Range(0, rows).Sum(r => Math.Abs(C * 2 * uv[(r * 5) + j] * vv[j])));
                    gv[j].Should().BeApproximately(reference, bound, $"∂/∂v[{j}] against the formula");
                }
            }
        }
    }

    [Fact]
    public void SumsReshapesSumsAndDifferencesPassTheValueOnExactly()
    {
        var xv = GradCheck.RandomValues(60, 61, -2, 2);
        var x = Tensor.FromArray(xv, [6, 10], requiresGrad: true);
        var w = Tensor.FromArray(GradCheck.RandomValues(60, 62, -2, 2), [6, 10], requiresGrad: true);

        // Sum over the last axis, then over the rest; through a reshape; a sum and a difference of same-shaped tensors.
        (x.Sum(-1).Sum() * C).Backward();
        x.Grad!.ToArray().Should().OnlyContain(g => g == C);
        x.ZeroGrad();
        (x.Reshape(60).Sum() * C).Backward();
        x.Grad!.ToArray().Should().OnlyContain(g => g == C);
        x.ZeroGrad();
        ((x - w).Sum() * C).Backward();
        x.Grad!.ToArray().Should().OnlyContain(g => g == C);
        w.Grad!.ToArray().Should().OnlyContain(g => g == -C);
        x.ZeroGrad();
        ((x + x).Sum() * C).Backward();
        x.Grad!.ToArray().Should().OnlyContain(g => g == 2 * C);

        // A mean over an axis scales by 1/n through a product with a scalar, which writes the value out.
        x.ZeroGrad();
        x.Mean(0).Sum().Backward();
        x.Grad!.ToArray().Should().OnlyContain(g => g == 1.0 / 6);
    }

    [Fact]
    public void ValuesFromSeveralSumsAndArraysAddUpPerElement()
    {
        // l = Σx + Σ(x·w) + Σeˣ + Σ(x gathered at rows 0, 0, 2): ∂l/∂x = 1 + w + eˣ + (2, 0, 1 for rows 0, 1, 2), so
        // the same tensor gets a value, arrays and a scatter, in an order set by the graph.
        var xv = GradCheck.RandomValues(30, 71, -2, 2);
        var wv = GradCheck.RandomValues(30, 72, -2, 2);
        var x = Tensor.FromArray(xv, [3, 10], requiresGrad: true);
        var w = Tensor.FromArray(wv, [3, 10]);
        var loss = x.Sum() + (x * w).Sum() + x.Exp().Sum() + x.IndexSelect(0, [0, 0, 2]).Sum();
        loss.Backward();
        int[] gathered = [2, 0, 1];
        var g = x.Grad!.ToArray();
        for (int i = 0; i < 30; i++)
        {
            double expected = 1 + wv[i] + Math.Exp(xv[i]) + gathered[i / 10];
            // Four contributions added in some order: within 3u·Σ|terms| (Higham §4.2), u = 2⁻⁵³, and eˣ's own rounding.
            double bound = 4 * 1.12e-16 * (1 + Math.Abs(wv[i]) + Math.Exp(xv[i]) + gathered[i / 10]);
            g[i].Should().BeApproximately(expected, bound, $"element {i}");
        }
    }

    [Fact]
    public void EachLeafGetsItsOwnArrayAndASecondPassAddsToIt()
    {
        var a = Tensor.FromArray(GradCheck.RandomValues(200, 81), [200], requiresGrad: true);
        var b = Tensor.FromArray(GradCheck.RandomValues(200, 82), [200], requiresGrad: true);
        (a + b).Sum().Backward();
        a.Grad!.Data.Should().NotBeSameAs(b.Grad!.Data, "one leaf's gradient must not change with another's");
        (a + b).Sum().Backward();
        a.Grad!.ToArray().Should().OnlyContain(g => g == 2);
        b.Grad!.ToArray().Should().OnlyContain(g => g == 2);
    }

    [Fact]
    public void RunCoversEveryElementOnceWithTheValueForOneTwoAndEightWorkers()
    {
        foreach (int n in new[] { 0, 1, UniformGradient.BlockLength, UniformGradient.BlockLength + 1, ElementwiseSplit.Threshold + 3 })
        {
            foreach (int workers in Workers.Counts)
            {
                var seen = new int[n];
                Workers.With(workers, () => UniformGradient.Run(n, -1.5, ElementwiseSplit.Threshold, (s, m, g) =>
                {
                    g.AsSpan(0, m).ToArray().Should().OnlyContain(v => v == -1.5);
                    for (int i = s; i < s + m; i++)
                    {
                        Interlocked.Increment(ref seen[i]);
                    }
                }));
                seen.Where(count => count != 1).Should().BeEmpty($"{n} elements with {workers} workers are each run once");
            }
        }
    }
}
