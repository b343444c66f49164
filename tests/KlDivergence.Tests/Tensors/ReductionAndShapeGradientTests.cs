using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

public class ReductionAndShapeGradientTests
{
    private static readonly double[] X24 = GradCheck.RandomValues(24, 7, -2, 2);

    [Fact]
    public void SumsAndMeansOverAxesHaveTheRightValuesAndGradients()
    {
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6], [2, 3]);
        x.Sum().ToScalar().Should().Be(21);
        x.Sum(0).Values.ToArray().Should().Equal(5, 7, 9);
        x.Sum(1).Values.ToArray().Should().Equal(6, 15);
        x.Sum(-1, keepDims: true).Shape.Should().Equal(2, 1);
        x.Mean(0).Values.ToArray().Should().Equal(2.5, 3.5, 4.5);
        x.Sum([0, 1]).ToScalar().Should().Be(21);

        GradCheck.Check(t => GradCheck.Project(t[0].Sum(1)), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Sum(0, keepDims: true)), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Mean(-1)), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => t[0].Mean(), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Sum([0, 2])), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Max(1)), [X24], [[2, 3, 4]]);
    }

    [Fact]
    public void LogSumExpIsExactAndItsGradientIsTheSoftmax()
    {
        var x = Tensor.FromArray([1000, 1000, -1000, 0, double.NegativeInfinity, double.NegativeInfinity], [3, 2]);
        var y = x.LogSumExp(1);
        y[0].Should().BeApproximately(1000 + Math.Log(2), 1e-12);
        y[1].Should().BeApproximately(0 + double.LogP1(Math.Exp(-1000)), 1e-12);
        double.IsNegativeInfinity(y[2]).Should().BeTrue();

        var v = Tensor.FromArray([0.0, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity], [2, 2], requiresGrad: true);
        v.LogSumExp(1).Select(0, 0).Backward();
        v.Grad!.Values.ToArray().Should().Equal(1, 0, 0, 0);
        v.Grad!.Values.ToArray().Should().OnlyContain(g => double.IsFinite(g));

        GradCheck.Check(t => GradCheck.Project(t[0].LogSumExp(1)), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].LogSumExp(-1, keepDims: true)), [X24], [[2, 3, 4]]);
    }

    [Fact]
    public void LogSumExpOverManyShortRowsMatchesTheDefinition()
    {
        // 100 rows of 3 (the vectorised column path), with -∞ entries, an all -∞ row and a +∞ row.
        var v = GradCheck.RandomValues(300, 17, -50, 50);
        v[4] = double.NegativeInfinity;
        v[30] = v[31] = v[32] = double.NegativeInfinity;
        v[60] = double.PositiveInfinity;
        var y = Tensor.FromArray(v, [100, 3]).LogSumExp(1);
        for (int r = 0; r < 100; r++)
        {
            double m = Math.Max(v[3 * r], Math.Max(v[(3 * r) + 1], v[(3 * r) + 2]));
            double expected = double.IsInfinity(m) ? m : m + Math.Log(Math.Exp(v[3 * r] - m) + Math.Exp(v[(3 * r) + 1] - m) + Math.Exp(v[(3 * r) + 2] - m));
            y[r].Should().BeApproximately(expected, 1e-12, $"row {r}");
        }

        GradCheck.Check(t => GradCheck.Project(t[0].LogSumExp(1)), [GradCheck.RandomValues(140, 18, -3, 3)], [[70, 2]]);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(700)]
    public void LogSumExpOverLongRowsMatchesTheDefinitionAndKeepsATinyRemainder(int n)
    {
        // Long contiguous rows (the vector path): random rows with -∞ entries and a NaN row, against m + log Σ e^(x - m)
        // summed here in order; and a row whose largest entry is 0 and the rest -46, where the answer, log(1 + (n - 1)e^-46)
        // ≈ (n - 1)e^-46, would be lost by summing e^0 = 1 with the rest.
        var v = GradCheck.RandomValues(4 * n, 23, -30, 30);
        v[3] = double.NegativeInfinity;
        v[n + 5] = double.NaN;
        for (int k = 0; k < n; k++)
        {
            v[(3 * n) + k] = k == n / 2 ? 0 : -46;
        }

        var y = Tensor.FromArray(v, [4, n]).LogSumExp(1);
        for (int r = 0; r < 3; r++)
        {
            var row = v.AsSpan(r * n, n).ToArray();
            if (row.Any(double.IsNaN))
            {
                double.IsNaN(y[r]).Should().BeTrue();
                continue;
            }

            double m = row.Max(), sum = row.Sum(x => Math.Exp(x - m));
            y[r].Should().BeApproximately(m + Math.Log(sum), 4e-16 * (Math.Abs(m) + 1) * 4, $"row {r}");
        }

        double tiny = (n - 1) * Math.Exp(-46);
        y[3].Should().BeApproximately(tiny, 1e-15 * tiny);
        GradCheck.Check(t => GradCheck.Project(t[0].LogSumExp(1)), [GradCheck.RandomValues(2 * n, 24, -3, 3)], [[2, n]]);
    }

    [Theory]
    [InlineData(3, 40, 5)]
    [InlineData(1, 1000, 100)]
    [InlineData(2, 7, 300)]
    public void LogSumExpOverAnotherAxisIsTheLastAxisReductionOfTheTransposeBitForBit(int outer, int n, int inner)
    {
        // Over the middle axis of [outer, n, inner] against the last axis of the same values laid out [outer, inner, n]
        // (built here by index): values and gradients (of Σ w·lse, w not constant) the same bits, for 1, 2 and 8 workers.
        // Then with a slice all -∞ (-∞, zero gradient) and one holding +∞ (+∞): the vector exponential takes its
        // scalar fallback for a whole group of values when one is not finite, and the groups differ between the two
        // layouts, so there the gradients agree within 1e-15 relative (each exponential within an ulp of eˣ, then a product), not bit for bit.
        var v = GradCheck.RandomValues(outer * n * inner, 31, -20, 20);
        var w = Tensor.FromArray(GradCheck.RandomValues(outer * inner, 32, 0.5, 2), [outer, inner]);
        Compare(v, exact: true);
        for (int k = 0; k < n; k++)
        {
            v[(k * inner) + 1] = double.NegativeInfinity;
        }

        v[(n / 2 * inner) + 2] = double.PositiveInfinity;
        Compare(v, exact: false);

        void Compare(double[] values, bool exact)
        {
            var t = MiddleAxisLast(values, outer, n, inner);

            foreach (int workers in Workers.Counts)
            {
                Workers.With(workers, () =>
                {
                    var x = Tensor.FromArray(values, [outer, n, inner], requiresGrad: true);
                    var xt = Tensor.FromArray(t, [outer, inner, n], requiresGrad: true);
                    var y = x.LogSumExp(1);
                    var yt = xt.LogSumExp(2);
                    y.Values.ToArray().Should().Equal(yt.Values.ToArray(), $"values with {workers} workers");
                    (y * w).Sum().Backward();
                    (yt * w).Sum().Backward();
                    if (!exact)
                    {
                        double.IsNegativeInfinity(y[0, 1]).Should().BeTrue();
                        double.IsPositiveInfinity(y[0, 2]).Should().BeTrue();
                    }

                    for (int o = 0; o < outer; o++)
                    {
                        for (int k = 0; k < n; k++)
                        {
                            for (int i = 0; i < inner; i++)
                            {
                                double g = x.Grad![o, k, i], reference = xt.Grad![o, i, k];
                                string because = $"∂/∂x[{o}, {k}, {i}] with {workers} workers";
                                if (exact || !double.IsFinite(reference))
                                {
                                    g.Should().Be(reference, because);
                                }
                                else
                                {
                                    g.Should().BeApproximately(reference, 1e-15 * Math.Abs(reference), because);
                                }
                            }
                        }
                    }

                    if (!exact)
                    {
                        Enumerable.Range(0, n).Select(k => x.Grad![0, k, 1]).Should().OnlyContain(g => g == 0, "an all -∞ slice has no gradient");
                    }
                });
            }
        }

        GradCheck.Check(x => GradCheck.Project(x[0].LogSumExp(0)), [GradCheck.RandomValues(60, 33, -3, 3)], [[12, 5]]);
        GradCheck.Check(x => GradCheck.Project(x[0].LogSumExp(1, keepDims: true)), [X24], [[2, 3, 4]]);
    }

    [Fact]
    public void ShapeOperationsRearrangeValuesAndRouteGradients()
    {
        var x = Tensor.FromArray([0, 1, 2, 3, 4, 5], [2, 3]);
        x.Transpose().Values.ToArray().Should().Equal(0, 3, 1, 4, 2, 5);
        x.Reshape(3, -1).Shape.Should().Equal(3, 2);
        x.Narrow(1, 1, 2).Values.ToArray().Should().Equal(1, 2, 4, 5);
        x.Select(0, 1).Values.ToArray().Should().Equal(3, 4, 5);
        x.IndexSelect(1, [2, 0, 2]).Values.ToArray().Should().Equal(2, 0, 2, 5, 3, 5);
        ShapeOps.Concat(0, x, x).Shape.Should().Equal(4, 3);
        ShapeOps.Concat(1, x, Tensor.Zeros(2, 1)).Values.ToArray().Should().Equal(0, 1, 2, 0, 3, 4, 5, 0);
        ShapeOps.Stack(0, Tensor.Vector(1, 2), Tensor.Vector(3, 4)).Values.ToArray().Should().Equal(1, 2, 3, 4);
        ShapeOps.Stack(1, Tensor.Vector(1, 2), Tensor.Vector(3, 4)).Values.ToArray().Should().Equal(1, 3, 2, 4);
        Tensor.Vector(1, 2).BroadcastTo(3, 2).Values.ToArray().Should().Equal(1, 2, 1, 2, 1, 2);

        GradCheck.Check(t => GradCheck.Project(t[0].Transpose()), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Reshape(4, 6)), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Narrow(1, 1, 2)), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Select(2, 3)), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].IndexSelect(1, [2, 0, 2])), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].BroadcastTo(5, 2, 3, 4)), [X24], [[2, 3, 4]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Unsqueeze(1).Squeeze(1)), [X24], [[2, 3, 4]]);
        GradCheck.Check(
            t => GradCheck.Project(ShapeOps.Concat(1, t[0], t[1])),
            [X24, GradCheck.RandomValues(8, 3)],
            [[2, 3, 4], [2, 1, 4]]);
        GradCheck.Check(
            t => GradCheck.Project(ShapeOps.Stack(-1, t[0], t[1])),
            [GradCheck.RandomValues(6, 4), GradCheck.RandomValues(6, 5)],
            [[2, 3], [2, 3]]);
    }

    [Fact]
    public void ConcatenatingShortAndLongRunsPlacesEveryValueAndSplitsTheGradientBack()
    {
        // Along the last axis of [5, 3], [5, 20] and [5, 1] (runs of 3, 20 and 1 values per row: the element loop and the
        // span copy), every output element is its piece's value, worked by index here; the gradient of a projection
        // gives each piece its own columns of the weights (the last piece's through a one-column gather).
        int[] widths = [3, 20, 1];
        var pieces = widths.Select((w, i) => Tensor.FromArray(GradCheck.RandomValues(5 * w, 40 + i), [5, w], requiresGrad: true)).ToArray();
        var y = ShapeOps.Concat(1, pieces);
        y.Shape.Should().Equal(5, 24);
        var weights = GradCheck.RandomValues(5 * 24, 50);
        (y * Tensor.FromArray(weights, [5, 24])).Sum().Backward();
        for (int r = 0; r < 5; r++)
        {
            int column = 0;
            for (int p = 0; p < pieces.Length; p++)
            {
                for (int j = 0; j < widths[p]; j++, column++)
                {
                    y.Values[(r * 24) + column].Should().Be(pieces[p].Values[(r * widths[p]) + j]);
                    pieces[p].Grad!.Values[(r * widths[p]) + j].Should().Be(weights[(r * 24) + column]);
                }
            }
        }
    }

    [Fact]
    public void BadShapesAndIndicesAreReported()
    {
        var x = Tensor.Zeros(2, 3);
        ((Action)(() => x.Reshape(4, 2))).Should().Throw<ArgumentException>().WithMessage("*[2, 3]*[4, 2]*");
        ((Action)(() => x.Sum(2))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => x.Narrow(1, 2, 2))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = x[2, 0])).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => Tensor.FromArray([1, 2, 3], [2, 2]))).Should().Throw<ArgumentException>().WithMessage("*3 values*[2, 2]*");
        ((Action)(() => Tensor.Vector(1, 2).Backward())).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void MaxDownColumnsIsTheRowSearchOfTheTransposeForOneTwoAndEightWorkers()
    {
        // [2, 300, 70]: column chunks with ragged ends, split across the workers; ties (values rounded), NaNs, -0 then +0
        // and an all -∞ column. The maximum over axis 1 must pick the entry the row search over the transpose picks.
        int outer = 2, n = 300, inner = 70;
        var v = new double[outer * n * inner];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Math.Round(6 * Math.Sin(0.7 * i));
        }

        v[(5 * inner) + 3] = double.NaN;
        v[(200 * inner) + 3] = double.NaN;
        for (int k = 0; k < n; k++)
        {
            v[(k * inner) + 10] = double.NegativeInfinity;
            v[(k * inner) + 11] = k == 4 ? -0.0 : k == 9 ? 0.0 : -1.0;
        }

        var t = MiddleAxisLast(v, outer, n, inner);

        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var x = Tensor.FromArray(v, [outer, n, inner], requiresGrad: true);
                var xt = Tensor.FromArray(t, [outer, inner, n], requiresGrad: true);
                var y = x.Max(1);
                var yt = xt.Max(2);
                y.Values.ToArray().Select(BitConverter.DoubleToInt64Bits).Should().Equal(yt.Values.ToArray().Select(BitConverter.DoubleToInt64Bits), $"values with {workers} workers");
                y.Sum().Backward();
                yt.Sum().Backward();
                for (int o = 0; o < outer; o++)
                {
                    for (int k = 0; k < n; k++)
                    {
                        for (int i = 0; i < inner; i++)
                        {
                            if (x.Grad![o, k, i] != xt.Grad![o, i, k])
                            {
                                Assert.Fail($"∂/∂x[{o}, {k}, {i}] with {workers} workers");
                            }
                        }
                    }
                }
            });
        }
    }

    /// <summary>
    /// Max over a contiguous axis (a vector search from 16 values, a loop below): the value and the gradient's place are
    /// the first largest value of each row, +0 above -0, or its first NaN, as the element loop here finds them (rows of
    /// 1, 7 and 100, ties, -∞ rows, a row whose largest values are -0 then +0); and the same over the first axis of the
    /// transposed values (laid out as rows before the search).
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(7, false)]
    [InlineData(100, false)]
    [InlineData(1, true)]
    [InlineData(7, true)]
    [InlineData(100, true)]
    public void MaxOverRowsIsTheFirstLargestValueOrTheFirstNaN(int n, bool overFirstAxis)
    {
        const int rows = 6;
        var v = new double[rows * n];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Math.Round(4 * Math.Sin(1.3 * i)) - 2; // the largest magnitudes are negative
        }

        v[(1 * n) + (n / 2)] = double.NaN;
        v[(2 * n) + (n - 1)] = double.NaN;
        for (int k = 0; k < n; k++)
        {
            v[(3 * n) + k] = double.NegativeInfinity;
            v[(4 * n) + k] = 2.0;
            v[(5 * n) + k] = k == 0 ? -0.0 : k == n - 1 ? 0.0 : -1.0;
        }

        var transposed = new double[v.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < n; k++)
            {
                transposed[(k * rows) + r] = v[(r * n) + k];
            }
        }

        var x = overFirstAxis ? Tensor.FromArray(transposed, [n, rows], requiresGrad: true) : Tensor.FromArray(v, [rows, n], requiresGrad: true);
        var max = x.Max(overFirstAxis ? 0 : 1);
        max.Sum().Backward();
        for (int r = 0; r < rows; r++)
        {
            int arg = 0;
            for (int k = 1; k < n; k++)
            {
                if (double.IsNaN(v[(r * n) + arg]))
                {
                    break;
                }

                double value = v[(r * n) + k], best = v[(r * n) + arg];
                if (value > best || double.IsNaN(value) || (value == 0 && best == 0 && double.IsNegative(best) && !double.IsNegative(value)))
                {
                    arg = k;
                }
            }

            BitConverter.DoubleToInt64Bits(max.Values[r]).Should().Be(BitConverter.DoubleToInt64Bits(v[(r * n) + arg]), $"row {r}");
            for (int k = 0; k < n; k++)
            {
                x.Grad!.Values[overFirstAxis ? (k * rows) + r : (r * n) + k].Should().Be(k == arg ? 1 : 0, $"row {r}, column {k}");
            }
        }
    }

    /// <summary>Values of shape [outer, n, inner] laid out as [outer, inner, n] (index by index: the reference layout).</summary>
    private static double[] MiddleAxisLast(double[] values, int outer, int n, int inner)
    {
        var t = new double[values.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int k = 0; k < n; k++)
            {
                for (int i = 0; i < inner; i++)
                {
                    t[(((o * inner) + i) * n) + k] = values[(((o * n) + k) * inner) + i];
                }
            }
        }

        return t;
    }
}
