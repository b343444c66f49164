using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// A transpose is laid out only when something other than a matrix product reads it: a product reads its source
/// transposed in place. Its values (the definition, worked here) and every product with transposed operands
/// (against the same product over transposes laid out first: the same bits, forward and backward) must not change.
/// </summary>
public class LazyTransposeTests
{
    [Theory]
    [InlineData(1, 3, 5)]
    [InlineData(3, 37, 70)]
    [InlineData(2, 300, 129)]
    [InlineData(1, 1000, 100)]
    public void LaidOutTransposesAreTheDefinitionForOneTwoAndEightWorkers(int batch, int rows, int cols)
    {
        // Tiles with ragged edges in both directions (4 x 4 register blocks inside, single values at the edges), a
        // batch, and sizes that split across the workers.
        var x = GradCheck.RandomValues(batch * rows * cols, 5);
        foreach (int workers in Workers.Counts)
        {
            var y = Workers.With(workers, () => ShapeOps.TransposeData(x, [batch, rows, cols], out _));
            for (int b = 0; b < batch; b++)
            {
                for (int i = 0; i < rows; i++)
                {
                    for (int j = 0; j < cols; j++)
                    {
                        if (y[(b * rows * cols) + (j * rows) + i] != x[(b * rows * cols) + (i * cols) + j])
                        {
                            Assert.Fail($"[{b}, {i}, {j}] with {workers} workers");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void ATransposeReadsAsTheDefinition()
    {
        var x = GradCheck.RandomValues(2 * 3 * 5, 4);
        var t = Tensor.FromArray(x, [2, 3, 5]).Transpose();
        t.Shape.Should().Equal(2, 5, 3);
        for (int b = 0; b < 2; b++)
        {
            for (int i = 0; i < 5; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    t[b, i, j].Should().Be(x[(b * 15) + (j * 5) + i]);
                }
            }
        }
    }

    public static TheoryData<int[], int[], bool, bool> Layouts => new()
    {
        // Shapes of the stored operands (before any transpose) and which operand is transposed.
        { [7, 4], [6, 4], false, true },      // x Wᵀ: a layer, or a model's data matrix
        { [4, 7], [4, 6], true, false },      // Aᵀ B
        { [4, 7], [6, 4], true, true },       // Aᵀ Bᵀ
        { [3, 5, 4], [6, 4], false, true },   // batched against a shared transposed matrix
        { [4, 5], [3, 6, 4], true, true },    // a shared transposed matrix against a batch
        { [40, 70], [50, 70], false, true },  // beyond one kernel block
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ProductsWithTransposedOperandsGiveTheBitsOfLaidOutTransposes(int[] aShape, int[] bShape, bool transposeA, bool transposeB)
    {
        double[] aValues = GradCheck.RandomValues(aShape.Aggregate(1, (p, d) => p * d), 11);
        double[] bValues = GradCheck.RandomValues(bShape.Aggregate(1, (p, d) => p * d), 12);
        (double[] Value, double[] GradA, double[] GradB) Run(bool layOut)
        {
            var a = Tensor.FromArray(aValues, aShape, requiresGrad: true);
            var b = Tensor.FromArray(bValues, bShape, requiresGrad: true);
            var left = transposeA ? Transposed(a, layOut) : a;
            var right = transposeB ? Transposed(b, layOut) : b;
            var y = left.MatMul(right);
            var weights = Tensor.FromArray(GradCheck.RandomValues(y.Length, 13), [.. y.Shape]);
            (y * weights).Sum().Backward();
            return (y.ToArray(), a.Grad!.ToArray(), b.Grad!.ToArray());
        }

        var lazy = Run(layOut: false);
        var laidOut = Run(layOut: true);
        lazy.Value.Should().Equal(laidOut.Value);
        lazy.GradA.Should().Equal(laidOut.GradA);
        lazy.GradB.Should().Equal(laidOut.GradB);
    }

    [Fact]
    public void OneRowAgainstATransposedMatrixIsTheProductWithinItsRoundingBound()
    {
        // With one row (or one column) the kernel takes dot products in the order the stored layout allows, so a lazy
        // transpose may differ from a laid-out one in the last bits: within the dot product's bound
        // |fl(Σ) - Σ| ≤ γₖ Σ|aₚ bₚ|, γₖ = kε/(1 - kε) (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), each.
        const int k = 9, n = 33;
        var a = GradCheck.RandomValues(k, 31);
        var w = GradCheck.RandomValues(n * k, 32);
        var lazy = Tensor.FromArray(a, [1, k]).MatMul(Tensor.FromArray(w, [n, k]).Transpose()).ToArray();
        var laidOut = Tensor.FromArray(a, [1, k]).MatMul(Tensor.FromArray(w, [n, k]).Transpose() * 1.0).ToArray();
        double unit = Math.Pow(2, -53), gamma = k * unit / (1 - (k * unit));
        for (int j = 0; j < n; j++)
        {
            double exact = 0, absolute = 0;
            for (int p = 0; p < k; p++)
            {
                exact += a[p] * w[(j * k) + p];
                absolute += Math.Abs(a[p] * w[(j * k) + p]);
            }

            lazy[j].Should().BeApproximately(laidOut[j], 2 * gamma * absolute, $"output {j}");
            lazy[j].Should().BeApproximately(exact, 2 * gamma * absolute, $"output {j}");
        }
    }

    [Fact]
    public void OneRowGradientsThroughATransposeMatchFiniteDifferences() =>
        GradCheck.Check(
            t => t[0].MatMul(t[1].Transpose()).Tanh().Sum(),
            [GradCheck.RandomValues(6, 41), GradCheck.RandomValues(30, 42)],
            [[1, 6], [5, 6]]);

    [Fact]
    public void ProductGradientsThroughTransposesMatchFiniteDifferences() =>
        GradCheck.Check(
            t => t[0].Transpose().MatMul(t[1].Transpose()).Tanh().Sum(),
            [GradCheck.RandomValues(12, 21), GradCheck.RandomValues(20, 22)],
            [[4, 3], [5, 4]]);

    [Fact]
    public void ATransposeOfAnExpiredIntermediateThrowsWhenRead()
    {
        // The transpose keeps its source, not a copy: when a fit reuses the source's memory, reading the transpose
        // afterwards must throw, never show the reused values.
        var p = new Parameter(Tensor.FromArray([.. Enumerable.Range(0, 100).Select(i => 0.01 * i)], [10, 10]), name: "p");
        Tensor? kept = null;
        Minimizer.Minimize(
            () =>
            {
                var h = p.Value * 2.0;
                kept = h.Transpose();
                return h.Square().Sum();
            },
            [p],
            new MinimizeOptions(Optimizers.Sgd(0.01)) { MaxSteps = 3, TraceEvery = 0 });

        var read = () => kept!.ToArray();
        read.Should().Throw<InvalidOperationException>().WithMessage("*Clone()*ReuseIntermediates*");
    }

    [Fact]
    public void AFitStepNeverLaysOutATransposeOnlyAProductRead()
    {
        // The step's end walks its graph for memory to take back; reading the transpose there would lay it out for nothing.
        var w = new Parameter(Tensor.FromArray(GradCheck.RandomValues(12, 51), [3, 4]), name: "w");
        var x = Tensor.FromArray(GradCheck.RandomValues(20, 52), [5, 4]);
        Tensor? kept = null;
        double[]? keptSource = null;
        Minimizer.Minimize(
            () =>
            {
                var value = w.Value;
                keptSource = value.ToArray();
                kept = value.Transpose();
                return x.MatMul(kept).Square().Sum();
            },
            [w],
            new MinimizeOptions(Optimizers.Sgd(0.01)) { MaxSteps = 3, TraceEvery = 0 });

        kept!.DataIfLaidOut.Should().BeNull();
        var values = kept.ToArray();
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                values[(i * 3) + j].Should().Be(keptSource![(j * 4) + i]);
            }
        }
    }

    /// <summary>The transpose as a product reads it (lazy), or laid out first (times 1, exact, which reads its values and keeps the graph).</summary>
    private static Tensor Transposed(Tensor x, bool layOut) => layOut ? x.Transpose() * 1.0 : x.Transpose();
}
