using FluentAssertions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// <see cref="TensorOps.Where(Tensor, Tensor, Tensor)"/> through its kernels (<see cref="Selection"/>): every element
/// is the side its condition picks, worked element by element here, for operands of the result's shape, single values
/// and broadcast rows and columns, at lengths around the vector width; gradients go to the picked side only.
/// </summary>
public class SelectionTests
{
    private static double[] Values(int n, double phase) => [.. Enumerable.Range(0, n).Select(i => Math.Sin((1.3 * i) + phase))];

    /// <summary>A condition with zeros, -0, NaN and other non-zero values.</summary>
    private static double[] Condition(int n) =>
        [.. Enumerable.Range(0, n).Select(i => (i % 5) switch { 0 => 0.0, 1 => -0.0, 2 => double.NaN, 3 => 1.0, _ => -2.5 })];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(100)]
    public void EachElementIsThePickedSide(int n)
    {
        var c = Condition(n);
        var a = Values(n, 0.1);
        var b = Values(n, 2.0);
        Expect(TensorOps.Where(Tensor.FromArray(c, [n]), Tensor.FromArray(a, [n]), Tensor.FromArray(b, [n])), i => Pick(c[i], a[i], b[i]), n);
        Expect(TensorOps.Where(Tensor.FromArray(c, [n]), Tensor.FromArray(a, [n]), double.NegativeInfinity), i => Pick(c[i], a[i], double.NegativeInfinity), n);
        Expect(TensorOps.Where(Tensor.FromArray(c, [n]), 7.0, Tensor.FromArray(b, [n])), i => Pick(c[i], 7.0, b[i]), n);
        Expect(TensorOps.Where(Tensor.FromArray(c, [n]), 7.0, -3.0), i => Pick(c[i], 7.0, -3.0), n);
        foreach (double one in new[] { 0.0, -0.0, 1.0, double.NaN })
        {
            Expect(TensorOps.Where(Tensor.Scalar(one), Tensor.FromArray(a, [n]), Tensor.FromArray(b, [n])), i => Pick(one, a[i], b[i]), n);
            Expect(TensorOps.Where(Tensor.Scalar(one), Tensor.FromArray(a, [n]), 5.0), i => Pick(one, a[i], 5.0), n);
        }
    }

    [Fact]
    public void BroadcastOperandsAreReadAtTheirOwnPositions()
    {
        const int rows = 3, cols = 7;
        var column = Condition(rows);
        var row = Values(cols, 0.4);
        var matrix = Values(rows * cols, 1.1);
        var y = TensorOps.Where(Tensor.FromArray(column, [rows, 1]), Tensor.FromArray(row, [cols]), Tensor.FromArray(matrix, [rows, cols]));
        y.Shape.Should().Equal(rows, cols);
        Expect(y, k => Pick(column[k / cols], row[k % cols], matrix[k]), rows * cols);

        var y2 = TensorOps.Where(Tensor.FromArray(Condition(cols), [cols]), Tensor.FromArray(column, [rows, 1]), 0.5);
        Expect(y2, k => Pick(Condition(cols)[k % cols], column[k / cols], 0.5), rows * cols);
    }

    [Fact]
    public void TheGradientGoesToThePickedSideSummedToItsShape()
    {
        const int rows = 4, cols = 9;
        var c = Condition(rows * cols);
        var a = Tensor.FromArray(Values(cols, 0.3), [cols], requiresGrad: true);
        var b = Tensor.FromArray(Values(rows * cols, 0.9), [rows, cols], requiresGrad: true);
        var weights = Values(rows * cols, 2.2);
        (TensorOps.Where(Tensor.FromArray(c, [rows, cols]), a, b) * Tensor.FromArray(weights, [rows, cols])).Sum().Backward();

        var expectedA = new double[cols];
        for (int k = 0; k < rows * cols; k++)
        {
            if (c[k] != 0)
            {
                expectedA[k % cols] += weights[k];
            }
        }

        a.Grad!.ToArray().Should().Equal(expectedA);
        b.Grad!.ToArray().Should().Equal(Enumerable.Range(0, rows * cols).Select(k => c[k] != 0 ? 0.0 : weights[k]));
    }

    [Fact]
    public void ASideThatNeedsNoGradientGetsNone()
    {
        var a = Tensor.FromArray(Values(10, 0.3), [10], requiresGrad: true);
        var constant = Tensor.FromArray(Values(10, 0.8), [10]);
        var y = TensorOps.Where(Tensor.FromArray(Condition(10), [10]), a, constant);
        y.Node!.Backward(Tensor.Ones(10))[1].Should().BeNull();
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesThroughAChain()
    {
        // f(a, b) = Σ where(x > 0, a², exp(b)) · w, with the same mask in every evaluation.
        var x = Values(23, 0.0);
        var w = Values(23, 1.5);
        double F(double[] av, double[] bv)
        {
            double total = 0;
            for (int i = 0; i < 23; i++)
            {
                total += (x[i] > 0 ? av[i] * av[i] : Math.Exp(bv[0])) * w[i];
            }

            return total;
        }

        var a0 = Values(23, 0.7);
        double[] b0 = [0.2];
        var a = Tensor.FromArray(a0, [23], requiresGrad: true);
        var b = Tensor.FromArray(b0, [1], requiresGrad: true);
        (TensorOps.Where(TensorOps.GreaterThan(Tensor.FromArray(x, [23]), 0.0), a.Square(), b.Exp()) * Tensor.FromArray(w, [23])).Sum().Backward();
        const double h = 1e-6;
        for (int i = 0; i < 23; i++)
        {
            var up = (double[])a0.Clone();
            var down = (double[])a0.Clone();
            up[i] += h;
            down[i] -= h;
            a.Grad!.Values[i].Should().BeApproximately((F(up, b0) - F(down, b0)) / (2 * h), 1e-7);
        }

        b.Grad!.Values[0].Should().BeApproximately((F(a0, [b0[0] + h]) - F(a0, [b0[0] - h])) / (2 * h), 1e-6);
    }

    private static double Pick(double c, double a, double b) => c != 0 ? a : b;

    private static void Expect(Tensor y, Func<int, double> expected, int n)
    {
        y.Length.Should().Be(n);
        var values = y.ToArray();
        for (int i = 0; i < n; i++)
        {
            BitConverter.DoubleToInt64Bits(values[i]).Should().Be(BitConverter.DoubleToInt64Bits(expected(i)), $"element {i}");
        }
    }
}
