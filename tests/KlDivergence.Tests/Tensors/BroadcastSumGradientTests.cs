using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// The gradient of a broadcast sum to the stretched operand is the output gradient summed back to its shape. An
/// operand stretched only along leading axes (a bias over samples) takes a blocked path; it must equal, bit for bit,
/// the sum worked element by element in output order, as must the other layouts through the strided path (to
/// rounding where a stretched last axis is summed as one vectorised row).
/// </summary>
public class BroadcastSumGradientTests
{
    public static TheoryData<int[], int[]> Shapes => new()
    {
        { [2], [100, 2] },        // a [d] location over n samples (the mean-field surrogate)
        { [1, 7], [30, 7] },      // a leading 1 kept
        { [5], [3, 4, 5] },       // stretched along two leading axes
        { [4, 5], [3, 4, 5] },    // a matrix repeated over a batch
        { [1, 4, 5], [3, 4, 5] },
        { [30, 1], [30, 7] },     // stretched along the last axis: the strided path
        { [3, 1, 5], [3, 4, 5] }, // stretched in the middle: the strided path
        { [4, 1], [3, 4, 1] },    // a trailing 1 matching the output's
        { [1, 4, 1], [3, 4, 6] }, // stretched in front and behind: the strided path
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void StretchedOperandGradientIsTheOutputGradientSummedInOutputOrder(int[] aShape, int[] bShape)
    {
        int[] shape = [.. KlDivergence.Tensors.Shapes.Broadcast(aShape, bShape)];
        var av = GradCheck.RandomValues(aShape.Aggregate(1, (p, d) => p * d), 41, -2, 2);
        var bv = GradCheck.RandomValues(bShape.Aggregate(1, (p, d) => p * d), 42, -2, 2);
        var a = Tensor.FromArray(av, aShape, requiresGrad: true);
        var b = Tensor.FromArray(bv, bShape, requiresGrad: true);
        GradCheck.Project(a + b).Backward();

        // ∂/∂aᵢ = Σ of the projection weights wₖ over the output elements k reading aᵢ, added in output order.
        var expected = new double[av.Length];
        var index = BroadcastProductGradientTests.Index(aShape, shape);
        for (int k = 0; k < index.Length; k++)
        {
            expected[index[k]] += 0.3 + (0.7 * Math.Sin(1.7 * (k + 1)));
        }

        if (aShape[^1] == shape[^1])
        {
            a.Grad!.Values.ToArray().Should().Equal(expected);
        }
        else
        {
            // Along a stretched last axis each row is one vectorised sum, whose order of additions differs from the loop's.
            for (int i = 0; i < expected.Length; i++)
            {
                a.Grad!.Values[i].Should().BeApproximately(expected[i], 1e-13 * Math.Max(1, Math.Abs(expected[i])));
            }
        }

        GradCheck.Check(t => GradCheck.Project(t[0] + t[1]), [av, bv], [aShape, bShape]);

        // Forward, the stretched operand gathered to the output's shape reads the element the index names.
        var stretched = Tensor.FromArray(av, aShape).BroadcastTo(shape).ToArray();
        stretched.Should().Equal(index.Select(i => av[i]).ToArray());
    }
}
