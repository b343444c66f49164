using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>Gathers and their scatter-add gradients against loops written here and finite differences.</summary>
public class IndexSelectTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void GatherMatchesALoopAlongEveryAxis(int axis)
    {
        int[] shape = [4, 5, 3];
        var x = GradCheck.RandomValues(60, 1);
        int[] indices = axis == 1 ? [4, 0, 4, 2] : [2, 0, 2];
        var y = Tensor.FromArray(x, shape).IndexSelect(axis, indices);
        var expectedShape = (int[])shape.Clone();
        expectedShape[axis] = indices.Length;
        y.Shape.Should().Equal(expectedShape);
        for (int i = 0; i < expectedShape[0]; i++)
        {
            for (int j = 0; j < expectedShape[1]; j++)
            {
                for (int k = 0; k < expectedShape[2]; k++)
                {
                    int[] source = [i, j, k];
                    source[axis] = indices[source[axis]];
                    y[i, j, k].Should().Be(x[(source[0] * 15) + (source[1] * 3) + source[2]]);
                }
            }
        }
    }

    [Fact]
    public void ScatterAddGradientMatchesALoopAndFiniteDifferences()
    {
        // Repeated indices must add up: d/dx Σ w ⊙ x[idx] puts Σ of the weights of every pick of a row into that row.
        var x = Tensor.FromArray(GradCheck.RandomValues(6 * 4, 2), [6, 4], requiresGrad: true);
        int[] indices = [5, 1, 5, 5, 0];
        var w = GradCheck.RandomValues(indices.Length * 4, 3);
        (x.IndexSelect(0, indices) * Tensor.FromArray(w, [indices.Length, 4])).Sum().Backward();
        var expected = new double[24];
        for (int k = 0; k < indices.Length; k++)
        {
            for (int c = 0; c < 4; c++)
            {
                expected[(indices[k] * 4) + c] += w[(k * 4) + c];
            }
        }

        x.Grad!.ToArray().Should().Equal(expected, (p, q) => Math.Abs(p - q) < 1e-15);

        GradCheck.Check(t => GradCheck.Project(t[0].IndexSelect(1, [3, 3, 0])), [GradCheck.RandomValues(2 * 4 * 3, 4)], [[2, 4, 3]]);
        GradCheck.Check(t => GradCheck.Project(t[0].IndexSelect(-1, [2, 0, 2, 1])), [GradCheck.RandomValues(3 * 3, 5)], [[3, 3]]);
    }

    [Fact]
    public void SeveralGathersAndOtherUsesOfOneSourceAccumulate()
    {
        // Two gathers, a narrow and an ordinary use of x, plus a gather from an intermediate: all paths must add.
        GradCheck.Check(
            t =>
            {
                var x = t[0];
                var a = x.IndexSelect(0, [1, 3, 1]).Sum();
                var b = (x.IndexSelect(0, [0, 1]) * 2.0).Square().Sum();
                var c = x.Narrow(1, 1, 2).Exp().Sum();
                var d = (x * x).IndexSelect(1, [0, 0, 2]).Sum();
                return a + b + c + d + x.Sum();
            },
            [GradCheck.RandomValues(4 * 3, 6)],
            [[4, 3]]);
    }

    [Fact]
    public void TheGradientUsesTheIndicesOfTheCallEvenIfTheCallerRefillsItsArray()
    {
        var x = Tensor.FromArray([1, 2, 3], [3], requiresGrad: true);
        int[] indices = [2, 2];
        var y = x.IndexSelect(0, indices);
        indices[0] = 0;
        indices[1] = 1;
        y.Sum().Backward();
        x.Grad!.ToArray().Should().Equal(0, 0, 2);
    }

    [Theory]
    [InlineData(3000)]
    [InlineData(410)]
    [InlineData(409)]
    public void ALargeGatherSplitAcrossWorkersEqualsALoopForOneTwoAndEightWorkers(int picks)
    {
        // Rows of 40: 3000 (120 000 elements, 12 chunks), 410 (16 400, just above the size where rows are split across
        // workers: two chunks, the second short) and 409 (16 360, just below: one worker), each prefetched ahead.
        const int rows = 5000, cols = 40;
        var source = GradCheck.RandomValues(rows * cols, 31);
        var x = Tensor.FromArray(source, [rows, cols]);
        var rng = new System.Random(32);
        var indices = Enumerable.Range(0, picks).Select(_ => rng.Next(rows)).ToArray();
        var expected = new double[picks * cols];
        for (int k = 0; k < picks; k++)
        {
            for (int j = 0; j < cols; j++)
            {
                expected[(k * cols) + j] = source[(indices[k] * cols) + j];
            }
        }

        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                x.IndexSelect(0, indices).ToArray().Should().Equal(expected);
            });
        }
    }
}
