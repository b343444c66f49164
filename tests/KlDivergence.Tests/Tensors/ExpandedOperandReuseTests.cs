using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// A broadcast binary op over short rows copies its stretched operands to the output's shape for the kernel and
/// hands the copies back to the pool afterwards: no result, operand or gradient may ever share one of those arrays.
/// Each value is checked against the element-wise formula over explicitly broadcast indices.
/// </summary>
public class ExpandedOperandReuseTests
{
    [Fact]
    public void ResultsAndGradientsKeepTheirValuesWhileLaterOpsReuseTheCopies()
    {
        // [30, 1] against [1, 7]: rows of 7, so both operands are copied to [30, 7] forward and backward.
        var av = GradCheck.RandomValues(30, 11, -2, 2);
        var bv = GradCheck.RandomValues(7, 12, 0.5, 2);
        var a = Tensor.FromArray(av, [30, 1], requiresGrad: true);
        var b = Tensor.FromArray(bv, [1, 7], requiresGrad: true);
        // An operand already of the output's shape is read in place, never copied: its own array must not go to the pool.
        var fv = GradCheck.RandomValues(210, 13, -1, 1);
        var full = Tensor.FromArray(fv, [30, 7], requiresGrad: true);
        var kept = new List<(Tensor Product, Tensor Sum, double[] GradA, double[] GradB)>();
        for (int round = 0; round < 6; round++)
        {
            a.ZeroGrad();
            b.ZeroGrad();
            var product = a * b;
            var sum = a + b;
            (product + sum + (full * b)).Sum().Backward();
            kept.Add((product, sum, a.Grad!.ToArray(), b.Grad!.ToArray()));
        }

        foreach (var (product, sum, gradA, gradB) in kept)
        {
            for (int i = 0; i < 30; i++)
            {
                for (int j = 0; j < 7; j++)
                {
                    product.Values[(i * 7) + j].Should().Be(av[i] * bv[j]);
                    sum.Values[(i * 7) + j].Should().Be(av[i] + bv[j]);
                }

                // ∂/∂aᵢ Σⱼ (aᵢbⱼ + aᵢ + bⱼ) = Σⱼ (bⱼ + 1).
                gradA[i].Should().BeApproximately(bv.Sum() + 7, 1e-12);
            }

            for (int j = 0; j < 7; j++)
            {
                // ∂/∂bⱼ = Σᵢ (aᵢ + 1 + fᵢⱼ).
                double expected = av.Sum() + 30 + Enumerable.Range(0, 30).Sum(i => fv[(i * 7) + j]);
                gradB[j].Should().BeApproximately(expected, 1e-12);
            }
        }

        a.Values.ToArray().Should().Equal(av);
        full.Values.ToArray().Should().Equal(fv);
        b.Values.ToArray().Should().Equal(bv);
    }
}
