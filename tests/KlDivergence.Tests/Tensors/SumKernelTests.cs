using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// Large sums run in fixed blocks across cores: the same bits for 1, 2 and 8 workers, and right against sums worked
/// exactly (values on a grid whose partial sums are all representable) or in compensated arithmetic.
/// </summary>
public class SumKernelTests
{
    // The default threshold's blocks and a ragged tail: the smallest runs that split, with a last block shorter than a vector.
    private const int N = ElementwiseSplit.Threshold + 3;

    /// <summary>Σ x by Neumaier's compensated summation: an independent, nearly exact reference.</summary>
    internal static double Compensated(IEnumerable<double> values)
    {
        double sum = 0, c = 0;
        foreach (double v in values)
        {
            double t = sum + v;
            c += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }

        return sum + c;
    }

    [Fact]
    public void FullSumIsExactOnAGridAndMatchesCompensatedSummation()
    {
        // Multiples of 1/8 below 2^10 in magnitude: every partial sum of N of them is exact in a double.
        var grid = Enumerable.Range(0, N).Select(i => ((i * 7919 % 8001) - 4000) / 8.0).ToArray();
        Tensor.FromArray(grid, [N]).Sum().ToScalar().Should().Be((double)grid.Sum(v => (decimal)v));

        var values = GradCheck.RandomValues(N, 21, -3, 5);
        double reference = Compensated(values);
        double sum = Tensor.FromArray(values, [N]).Sum().ToScalar();

        // Blocked summation's error is at most about (blocks + block length) ulps of Σ|x| (Higham 2002, §4.2).
        double absolute = values.Sum(Math.Abs);
        double bound = (17 + CustomOp.BlockSize) * (Math.BitIncrement(absolute) - absolute);
        Math.Abs(sum - reference).Should().BeLessThan(bound);
    }

    [Theory]
    [InlineData(1, N, 1)]
    [InlineData(40, 2000, 1)]
    [InlineData(3, 7, 5000)]
    [InlineData(1, 30, 4099)]
    [InlineData(1, 20000, 50)] // a tall matrix's column sums: blocks of 81 slices across the workers
    [InlineData(2, 700, 60)] // two outer rows, each a long reduction of 68-slice blocks
    public void AxisSumsMatchCompensatedRowSumsAndAreBitIdenticalForOneTwoAndEightWorkers(int outer, int n, int inner)
    {
        var values = GradCheck.RandomValues(outer * n * inner, 22, -2, 2);
        var runs = Workers.Each(() => Tensor.FromArray(values, [outer, n, inner]).Sum(1).ToArray());
        runs.Should().AllSatisfy(r => r.Should().Equal(runs[0]));
        var one = runs[0];

        for (int o = 0; o < outer; o += Math.Max(1, outer / 4))
        {
            for (int i = 0; i < inner; i += Math.Max(1, inner / 5))
            {
                double reference = Compensated(Enumerable.Range(0, n).Select(k => values[(((o * n) + k) * inner) + i]));
                one[(o * inner) + i].Should().BeApproximately(reference, 1e-12 * n);
            }
        }
    }

    [Fact]
    public void FullSumAndItsGradientAreBitIdenticalForOneTwoAndEightWorkers()
    {
        var values = GradCheck.RandomValues(N, 23, -1, 4);
        var runs = Workers.Each<double[]>(() =>
        {
            var x = Tensor.FromArray(values, [N], requiresGrad: true);
            var s = (x.Sum() * 1.5).Sum();
            s.Backward();
            return [s.ToScalar(), .. x.Grad!.ToArray()];
        });

        runs.Should().AllSatisfy(r => r.Should().Equal(runs[0]));
        runs[0].Skip(1).Should().OnlyContain(g => g == 1.5, "∂(1.5 Σx)/∂xᵢ = 1.5");
    }

    [Theory]
    [InlineData(new[] { 20000, 50 }, new[] { 50 })]
    [InlineData(new[] { 20000, 50 }, new[] { 1, 50 })]
    [InlineData(new[] { 40, 500, 6 }, new[] { 500, 6 })]
    public void ABiasGradientIsTheAxisSumOfItsOutputGradient(int[] xShape, int[] biasShape)
    {
        // ((x + bias) · w).Sum(): ∂/∂bias = w summed over the leading axes, the same blocked axis sum as Sum(0) (so the
        // same bits, for 1, 2 and 8 workers), and near a compensated reference.
        int size = xShape.Aggregate(1, (a, b) => a * b);
        int width = biasShape.Aggregate(1, (a, b) => a * b);
        var wv = GradCheck.RandomValues(size, 31, -1, 2);
        var expected = Tensor.FromArray(wv, [size / width, width]).Sum(0).ToArray();
        var runs = Workers.Each(() =>
        {
            var bias = Tensor.FromArray(GradCheck.RandomValues(width, 32), biasShape, requiresGrad: true);
            ((Tensor.FromArray(GradCheck.RandomValues(size, 33), xShape) + bias) * Tensor.FromArray(wv, xShape)).Sum().Backward();
            return bias.Grad!.ToArray();
        });
        runs.Should().AllSatisfy(r => r.Should().Equal(expected));
        for (int j = 0; j < width; j += 7)
        {
            var column = Enumerable.Range(0, size / width).Select(k => wv[(k * width) + j]).ToArray();
            runs[0][j].Should().BeApproximately(Compensated(column), column.Length * Math.Pow(2, -53) * column.Sum(Math.Abs));
        }
    }

    [Fact]
    public void ABiasBroadcastOverAnEmptyBatchGetsAZeroGradient()
    {
        // The forward broadcast of a [3] row to [0, 3] failed ("destination is too short") before; the gradient takes the
        // general path (nothing to sum) and is zero.
        var bias = Tensor.FromArray([1.0, 2.0, 3.0], [3], requiresGrad: true);
        var sum = Tensor.Zeros(0, 3) + bias;
        sum.Shape.Should().Equal(0, 3);
        sum.Sum().Backward();
        bias.Grad!.ToArray().Should().Equal(0, 0, 0);
    }
}
