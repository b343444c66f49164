using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// The gradient of a product to an operand that is one value along each row is taken as one dot product per row: it
/// must match the sum Σⱼ gⱼ·otherⱼ worked per element, the general path (the operand broadcast first, its gradient
/// summed back), and finite differences.
/// </summary>
public class BroadcastProductGradientTests
{
    public static TheoryData<int[], int[]> Shapes => new()
    {
        { [40, 1], [1, 30] },   // per-row value times a tile (the regression grid)
        { [40, 1], [40, 30] },  // per-row value times a full matrix
        { [3, 40, 30], [3, 40, 1] }, // the per-row operand on the right, batched
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RowDotGradientsMatchTheSumPerElementAndTheGeneralPath(int[] aShape, int[] bShape)
    {
        var av = GradCheck.RandomValues(aShape.Aggregate(1, (p, d) => p * d), 31, -2, 2);
        var bv = GradCheck.RandomValues(bShape.Aggregate(1, (p, d) => p * d), 32, -2, 2);
        var a = Tensor.FromArray(av, aShape, requiresGrad: true);
        var b = Tensor.FromArray(bv, bShape, requiresGrad: true);
        var y = a * b;
        GradCheck.Project(y).Backward();

        // The general path: both operands stretched to the output's shape first (a full-by-full product).
        var a2 = Tensor.FromArray(av, aShape, requiresGrad: true);
        var b2 = Tensor.FromArray(bv, bShape, requiresGrad: true);
        int[] shape = [.. y.Shape];
        GradCheck.Project(a2.BroadcastTo(shape) * b2.BroadcastTo(shape)).Backward();

        // The sum worked per element: ∂/∂aᵢ = Σ over output elements reading aᵢ of wₖ·b(k).
        var expectedA = new double[av.Length];
        var expectedB = new double[bv.Length];
        var ai = Index(aShape, shape);
        var bi = Index(bShape, shape);
        for (int k = 0; k < y.Length; k++)
        {
            double w = 0.3 + (0.7 * Math.Sin(1.7 * (k + 1)));
            expectedA[ai[k]] += w * bv[bi[k]];
            expectedB[bi[k]] += w * av[ai[k]];
        }

        for (int i = 0; i < av.Length; i++)
        {
            a.Grad!.Values[i].Should().BeApproximately(expectedA[i], 1e-13 * Math.Max(1, Math.Abs(expectedA[i])));
            a.Grad!.Values[i].Should().BeApproximately(a2.Grad!.Values[i], 1e-13 * Math.Max(1, Math.Abs(expectedA[i])));
        }

        for (int i = 0; i < bv.Length; i++)
        {
            b.Grad!.Values[i].Should().BeApproximately(expectedB[i], 1e-13 * Math.Max(1, Math.Abs(expectedB[i])));
            b.Grad!.Values[i].Should().BeApproximately(b2.Grad!.Values[i], 1e-13 * Math.Max(1, Math.Abs(expectedB[i])));
        }

        GradCheck.Check(t => GradCheck.Project(t[0] * t[1]), [av, bv], [aShape, bShape]);
    }

    /// <summary>For each output element (row-major), the flat index of the operand element it reads.</summary>
    internal static int[] Index(int[] operand, int[] output)
    {
        int n = output.Aggregate(1, (p, d) => p * d);
        var result = new int[n];
        int offset = output.Length - operand.Length;
        for (int k = 0; k < n; k++)
        {
            int rest = k, flat = 0, stride = 1;
            for (int d = output.Length - 1; d >= 0; d--)
            {
                int i = rest % output[d];
                rest /= output[d];
                int od = d - offset;
                if (od >= 0)
                {
                    flat += (operand[od] == 1 ? 0 : i) * stride;
                    stride *= operand[od];
                }
            }

            result[k] = flat;
        }

        return result;
    }
}
