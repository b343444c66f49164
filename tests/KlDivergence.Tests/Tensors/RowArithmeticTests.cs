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
