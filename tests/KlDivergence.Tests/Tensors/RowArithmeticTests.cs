using FluentAssertions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// Broadcast +, - and × over short rows run one loop over all rows (<see cref="RowArithmetic"/>). Every element must be
/// the IEEE result of its two operands, worked here element by element, for every row layout, at row lengths around the
/// vector widths and the cut-off, and the op's gradients must be unchanged (finite differences).
/// </summary>
public class RowArithmeticTests
{
    public static TheoryData<int[], int[]> Layouts()
    {
        var data = new TheoryData<int[], int[]>();
        foreach (int m in new[] { 16, 17, 23, 24, 100, 255, RowArithmetic.MaxRowLength, RowArithmetic.MaxRowLength + 1 })
        {
            data.Add([7, 1], [1, m]); // a column times a row
            data.Add([1, m], [7, 1]);
            data.Add([7, m], [7, 1]); // a value per row
            data.Add([7, 1], [7, m]);
            data.Add([7, m], [m]); // a bias row
            data.Add([m], [7, m]);
            data.Add([3, 7, m], [7, 1]);
            data.Add([2, 3, m], [2, 3, m]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryElementIsTheIeeeResultOfItsOperands(int[] aShape, int[] bShape)
    {
        var a = Tensor.FromArray(GradCheck.RandomValues(Size(aShape), 11), aShape);
        var b = Tensor.FromArray(GradCheck.RandomValues(Size(bShape), 12), bShape);
        Check(a + b, a, b, static (x, y) => x + y);
        Check(a - b, a, b, static (x, y) => x - y);
        Check(a * b, a, b, static (x, y) => x * y);
    }

    [Theory]
    [InlineData(new[] { 1000, 1 }, new[] { 1, 100 })] // a column times a row: 100 000 elements, split in groups of rows
    [InlineData(new[] { 2049, 17 }, new[] { 17 })] // a bias row, rows of a ragged length, 34 833 elements
    [InlineData(new[] { 3, 700, 16 }, new[] { 700, 1 })] // a value per row, three outer slices
    public void LargeOutputsSplitAcrossWorkersGiveEachElementsIeeeResult(int[] aShape, int[] bShape)
    {
        // Above the size where rows go to the workers in groups: every element is still its operands' IEEE result,
        // for 1, 2 and 8 workers.
        var a = Tensor.FromArray(GradCheck.RandomValues(Size(aShape), 13), aShape);
        var b = Tensor.FromArray(GradCheck.RandomValues(Size(bShape), 14), bShape);
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var sum = a + b;
                sum.Length.Should().BeGreaterThanOrEqualTo(ElementwiseSplit.Threshold);
                Check(sum, a, b, static (x, y) => x + y);
                Check(a - b, a, b, static (x, y) => x - y);
                Check(a * b, a, b, static (x, y) => x * y);
            });
        }
    }

    [Fact]
    public void ALargeDivisionByAValuePerRowSplitsWithEachRowsOwnBits()
    {
        // [1000, 40] / [1000, 1] and [1000, 1] / [1000, 40] (40 000 elements, above the split size) go row by row through
        // the division's one-value kernels, in groups of rows across the workers: each row is the bits of that row
        // divided alone, for 1, 2 and 8 workers.
        const int rows = 1000, m = 40;
        var a = Tensor.FromArray(GradCheck.RandomValues(rows * m, 15), [rows, m]);
        var c = Tensor.FromArray(GradCheck.RandomValues(rows, 16, 0.5, 2), [rows, 1]);
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var right = (a / c).ToArray();
                var left = (c / a).ToArray();
                foreach (int r in new[] { 0, 101, 102, 203, 204, 917, 918, rows - 1 }) // around groups of 4096 / 40 = 102 rows
                {
                    var row = a.Narrow(0, r, 1);
                    var value = c.Narrow(0, r, 1);
                    right.AsSpan(r * m, m).ToArray().Should().Equal((row / value).ToArray(), $"row {r} of a / c with {workers} workers");
                    left.AsSpan(r * m, m).ToArray().Should().Equal((value / row).ToArray(), $"row {r} of c / a with {workers} workers");
                }
            });
        }
    }

    [Fact]
    public void GradientsOfBroadcastArithmeticMatchFiniteDifferences()
    {
        var column = GradCheck.RandomValues(6, 21);
        var row = GradCheck.RandomValues(19, 22);
        Tensor Loss(Tensor c, Tensor r) => (((c * r) + c) - r).Square().Sum();
        GradCheck.Check(t => Loss(t[0], t[1]), [column, row], [[6, 1], [1, 19]]);
    }

    private static int Size(int[] shape) => shape.Aggregate(1, (p, d) => p * d);

    private static void Check(Tensor result, Tensor a, Tensor b, Func<double, double, double> op)
    {
        var shape = result.Shape.ToArray();
        var av = a.BroadcastTo(shape).ToArray();
        var bv = b.BroadcastTo(shape).ToArray();
        var expected = av.Select((x, i) => op(x, bv[i])).ToArray();
        result.ToArray().Should().Equal(expected);
    }
}
