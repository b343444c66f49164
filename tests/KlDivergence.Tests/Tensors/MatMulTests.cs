using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>MatMul's values against a loop written here and its gradients against finite differences, for every form.</summary>
public class MatMulTests
{
    /// <summary>Batched product by the definition, with the batch index of each operand given by the caller.</summary>
    private static double Entry(double[] a, double[] b, int aOffset, int bOffset, int i, int j, int k, int n)
    {
        double s = 0;
        for (int p = 0; p < k; p++)
        {
            s += a[aOffset + (i * k) + p] * b[bOffset + (p * n) + j];
        }

        return s;
    }

    [Fact]
    public void BroadcastBatchesMatchTheDefinition()
    {
        // a [3, 1, 4, 5] @ b [2, 5, 6] -> [3, 2, 4, 6]: a's batch repeats over b's and the other way round.
        var a = GradCheck.RandomValues(3 * 4 * 5, 1);
        var b = GradCheck.RandomValues(2 * 5 * 6, 2);
        var y = Tensor.FromArray(a, [3, 1, 4, 5]).MatMul(Tensor.FromArray(b, [2, 5, 6]));
        y.Shape.Should().Equal(3, 2, 4, 6);
        for (int s = 0; s < 3; s++)
        {
            for (int t = 0; t < 2; t++)
            {
                for (int i = 0; i < 4; i++)
                {
                    for (int j = 0; j < 6; j++)
                    {
                        y[s, t, i, j].Should().BeApproximately(Entry(a, b, s * 20, t * 30, i, j, 5, 6), 1e-14);
                    }
                }
            }
        }
    }

    [Fact]
    public void VectorsActAsNumPyDoes()
    {
        var m = Tensor.FromArray([1, 2, 3, 4, 5, 6], [2, 3]);
        m.MatMul(Tensor.Vector(1, 0, -1)).Values.ToArray().Should().Equal(-2, -2);
        Tensor.Vector(1, -1).MatMul(m).Values.ToArray().Should().Equal(-3, -3, -3);
        var dot = Tensor.Vector(1, 2, 3).MatMul(Tensor.Vector(4, 5, 6));
        dot.Rank.Should().Be(0);
        dot.ToScalar().Should().Be(32);
    }

    [Fact]
    public void GradientsOfEveryTranspositionMatchFiniteDifferences()
    {
        // The four op(A) op(B) combinations, built with explicit transposes so the backward runs with each flag pair.
        var a = GradCheck.RandomValues(12, 3);
        var b = GradCheck.RandomValues(15, 4);
        GradCheck.Check(t => GradCheck.Project(t[0].MatMul(t[1])), [a, b], [[4, 3], [3, 5]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Transpose().MatMul(t[1])), [a, b], [[3, 4], [3, 5]]);
        GradCheck.Check(t => GradCheck.Project(t[0].MatMul(t[1].Transpose())), [a, b], [[4, 3], [5, 3]]);
        GradCheck.Check(t => GradCheck.Project(t[0].Transpose().MatMul(t[1].Transpose())), [a, b], [[3, 4], [5, 3]]);
    }

    [Fact]
    public void GradientsOfLargeBatchedBroadcastAndVectorProductsMatchFiniteDifferences()
    {
        // Sizes past the kernel's blocking (more than 6 x 8 tiles and the plain-loop threshold).
        GradCheck.Check(t => GradCheck.Project(t[0].MatMul(t[1])), [GradCheck.RandomValues(13 * 17, 5), GradCheck.RandomValues(17 * 11, 6)], [[13, 17], [17, 11]]);
        GradCheck.Check(t => GradCheck.Project(t[0].MatMul(t[1])), [GradCheck.RandomValues(2 * 7 * 9, 7), GradCheck.RandomValues(9 * 10, 8)], [[2, 7, 9], [9, 10]]);
        GradCheck.Check(t => GradCheck.Project(t[0].MatMul(t[1])), [GradCheck.RandomValues(3 * 1 * 4 * 9, 9), GradCheck.RandomValues(2 * 9 * 10, 10)], [[3, 1, 4, 9], [2, 9, 10]]);
        GradCheck.Check(t => GradCheck.Project(t[0].MatMul(t[1])), [GradCheck.RandomValues(40 * 9, 11), GradCheck.RandomValues(9, 12)], [[40, 9], [9]]);
        GradCheck.Check(t => GradCheck.Project(t[0].MatMul(t[1])), [GradCheck.RandomValues(9, 13), GradCheck.RandomValues(9 * 40, 14)], [[9], [9, 40]]);
        GradCheck.Check(t => t[0].MatMul(t[1]), [GradCheck.RandomValues(9, 15), GradCheck.RandomValues(9, 16)], [[9], [9]]);
    }

    [Fact]
    public void OnlyOperandsThatNeedAGradientGetOne()
    {
        var a = Tensor.FromArray(GradCheck.RandomValues(20, 17), [4, 5]);
        var b = Tensor.FromArray(GradCheck.RandomValues(5, 18), [5, 1], requiresGrad: true);
        a.MatMul(b).Sum().Backward();
        a.Grad.Should().BeNull();

        // d/db Σᵢ (a b)ᵢ = Σᵢ a[i, :] (column sums of a), by a loop.
        for (int p = 0; p < 5; p++)
        {
            double expected = 0;
            for (int i = 0; i < 4; i++)
            {
                expected += a[i, p];
            }

            b.Grad![p, 0].Should().BeApproximately(expected, 1e-14);
        }
    }

    [Fact]
    public void BatchedProductAndItsGradientsAreBitIdenticalForOneTwoAndEightWorkers()
    {
        var a = Tensor.FromArray(GradCheck.RandomValues(2 * 130 * 90, 19), [2, 130, 90]);
        var b = Tensor.FromArray(GradCheck.RandomValues(90 * 110, 20), [90, 110]);
        var runs = new List<double[][]>();
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var ag = a.Detach().RequireGrad();
                var bg = b.Detach().RequireGrad();
                var y = ag.MatMul(bg);
                GradCheck.Project(y).Backward();
                runs.Add([y.ToArray(), ag.Grad!.ToArray(), bg.Grad!.ToArray()]);
            });
        }

        for (int r = 1; r < runs.Count; r++)
        {
            for (int part = 0; part < 3; part++)
            {
                runs[r][part].Should().Equal(runs[0][part], $"part {part} with worker setting {r}");
            }
        }
    }
}
