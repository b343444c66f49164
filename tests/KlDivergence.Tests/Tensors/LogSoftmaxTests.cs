using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// log softmax along the last axis as one op: the bits of the composite x - x.LogSumExp(-1, true) it replaces (values
/// and gradients, for 1, 2 and 8 workers), values against the formula worked here, and gradients against finite
/// differences.
/// </summary>
public class LogSoftmaxTests
{
    public static TheoryData<int[]> Shapes => new() { new[] { 37 }, new[] { 3, 7 }, new[] { 1000, 10 }, new[] { 2, 3, 50 }, new[] { 20, 2000 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheOneOpIsTheBitsOfTheComposite(int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var xv = GradCheck.RandomValues(n, 11, -30, 30);
        var wv = GradCheck.RandomValues(n, 12, -2, 2);
        foreach (bool weighted in new[] { false, true })
        {
            (double[] Values, double[] Gradient) Run(Func<Tensor, Tensor> f)
            {
                var x = Tensor.FromArray(xv, shape, requiresGrad: true);
                var y = f(x);
                (weighted ? (y * Tensor.FromArray(wv, shape)).Sum() : y.Sum()).Backward();
                return (y.ToArray(), x.Grad!.ToArray());
            }

            var composite = Run(x => x - x.LogSumExp(-1, keepDims: true));
            foreach (int workers in Workers.Counts)
            {
                var fused = Workers.With(workers, () => Run(x => x.LogSoftmax()));
                fused.Values.Should().Equal(composite.Values, $"values, {workers} workers, weighted {weighted}");
                fused.Gradient.Should().Equal(composite.Gradient, $"gradient, {workers} workers, weighted {weighted}");
            }
        }
    }

    [Fact]
    public void ValuesAreTheLogProbabilitiesAndGradientsMatchFiniteDifferences()
    {
        double[] x = [1.0, -2.0, 0.5, 3.0, 3.0, -1.0];
        var y = Tensor.FromArray(x, [2, 3]).LogSoftmax().ToArray();
        for (int r = 0; r < 2; r++)
        {
            double norm = Math.Log(Enumerable.Range(0, 3).Sum(k => Math.Exp(x[(r * 3) + k])));
            for (int k = 0; k < 3; k++)
            {
                y[(r * 3) + k].Should().BeApproximately(x[(r * 3) + k] - norm, 1e-15);
            }
        }

        GradCheck.Check(t => GradCheck.Project(t[0].LogSoftmax()), [GradCheck.RandomValues(12, 3, -3, 3)], [[4, 3]]);
        GradCheck.Check(t => GradCheck.Project(t[0].LogSoftmax(0)), [GradCheck.RandomValues(12, 4, -3, 3)], [[4, 3]]);
    }

    [Fact]
    public void MinusInfinityEntriesStayMinusInfinityWithTheUpstreamGradientAndAnEmptyRowIsNaN()
    {
        var x = Tensor.FromArray([0.0, double.NegativeInfinity, 1.0, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity], [2, 3], requiresGrad: true);
        var y = x.LogSoftmax();
        var values = y.ToArray();
        values[1].Should().Be(double.NegativeInfinity);
        values[0].Should().BeApproximately(-Math.Log(1 + Math.E), 1e-15);
        values[3..].Should().AllSatisfy(v => double.IsNaN(v).Should().BeTrue());
        y.Reshape([6]).IndexSelect(0, [0, 2]).Sum().Backward();
        x.Grad!.Values[1].Should().Be(0);
        x.Grad.Values[3..].ToArray().Should().Equal(0.0, 0.0, 0.0);
        double p0 = 1 / (1 + Math.E), p2 = Math.E / (1 + Math.E);
        x.Grad.Values[0].Should().BeApproximately(1 - (2 * p0), 1e-15);
        x.Grad.Values[2].Should().BeApproximately(1 - (2 * p2), 1e-15);
    }

    [Fact]
    public void AnEmptyBatchGivesAnEmptyResultAndAScalarIsRejectedAsLogSumExpRejectsIt()
    {
        var empty = Tensor.FromArray([], [0, 4], requiresGrad: true);
        var y = empty.LogSoftmax();
        y.ShapeArray.Should().Equal(0, 4);
        y.Sum().Backward();
        empty.Grad!.Length.Should().Be(0);

        var scalar = () => Tensor.Scalar(1.0).LogSoftmax();
        var reference = () => Tensor.Scalar(1.0).LogSumExp(-1);
        reference.Should().Throw<ArgumentException>();
        scalar.Should().Throw<ArgumentException>();
    }
}
