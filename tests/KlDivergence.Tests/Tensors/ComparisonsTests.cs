using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// The comparison ops run a vector of elements at a time with a single-value operand held in a register: each element
/// is the comparison worked here (NaN compares false, -0 equals +0), for lengths around the vector widths, with the
/// single value on either side, and under broadcasting of two shapes.
/// </summary>
public class ComparisonsTests
{
    private static readonly double[] Special = [0.0, -0.0, 1.0, -1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 2.5, 1e-310];

    private static double[] Values(int n, int seed) =>
        [.. Enumerable.Range(0, n).Select(i => ((i + seed) % 4 == 0) ? Special[(i + seed) % Special.Length] : Math.Round(3 * Math.Sin((0.7 * i) + seed)))];

    public static TheoryData<int> Lengths => new() { 0, 1, 3, 4, 7, 8, 9, 17, 33 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EachElementIsTheComparisonWorkedHere(int n)
    {
        double[] a = Values(n, 1), b = Values(n, 2);
        foreach (var (op, holds) in Ops)
        {
            op(Tensor.FromArray(a, [n]), Tensor.FromArray(b, [n])).ToArray().Should().Equal(a.Zip(b, (x, y) => holds(x, y) ? 1.0 : 0.0));
            foreach (double s in Special)
            {
                op(Tensor.FromArray(a, [n]), Tensor.Scalar(s)).ToArray().Should().Equal(a.Select(x => holds(x, s) ? 1.0 : 0.0), $"right operand {s}");
                op(Tensor.Scalar(s), Tensor.FromArray(b, [n])).ToArray().Should().Equal(b.Select(y => holds(s, y) ? 1.0 : 0.0), $"left operand {s}");
            }
        }
    }

    [Fact]
    public void BroadcastShapesCompareEveryPair()
    {
        double[] a = Values(3, 5), b = Values(4, 6);
        foreach (var (op, holds) in Ops)
        {
            var y = op(Tensor.FromArray(a, [3, 1]), Tensor.FromArray(b, [1, 4]));
            y.Shape.Should().Equal(3, 4);
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    y[i, j].Should().Be(holds(a[i], b[j]) ? 1.0 : 0.0);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void FiniteIsOneExactlyAtFiniteValues(int n)
    {
        double[] x = Values(n, 3);
        var y = new double[n];
        Comparisons.Finite(x, y);
        y.Should().Equal(x.Select(v => double.IsFinite(v) ? 1.0 : 0.0));
    }

    private static readonly (Func<Tensor, Tensor, Tensor> Op, Func<double, double, bool> Holds)[] Ops =
    [
        (TensorOps.GreaterThan, (x, y) => x > y),
        (TensorOps.LessThan, (x, y) => x < y),
        (TensorOps.GreaterOrEqual, (x, y) => x >= y),
        (TensorOps.EqualTo, (x, y) => x == y),
    ];
}
