using KlDivergence.Inference.Flows;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Inference.Flows;

/// <summary>
/// The affine coupling's fused ops: values against y = x⊙exp(s) + t on the transformed coordinates (x elsewhere) and
/// Σ s written out here, gradients against central differences, and parity with the masked composition
/// m⊙x + (1 - m)⊙(x⊙exp(s) + t), Σ (1 - m)⊙s (values and gradients bit for bit: the same exp kernel on the same
/// contiguous values, and each entry the same few floating-point operations).
/// </summary>
public class AffineCouplingOpsTests
{
    // n = 5 events of dimension 3; coordinates 0 and 2 move, 1 passes through.
    private const int N = 5, D = 3;
    private static readonly bool[] Transformed = [true, false, true];

    [Fact]
    public void ValuesAreTheAffineMapAndTheSumOfTheLogScales()
    {
        double[] x = GradCheck.RandomValues(N * D, 1, -2, 2), h = GradCheck.RandomValues(N * 2 * D, 2);
        var y = AffineCouplingOps.Apply(Tensor.FromArray(x, [N, D]), Tensor.FromArray(h, [N, 2 * D]), Transformed);
        var logDet = AffineCouplingOps.LogDet(Tensor.FromArray(h, [N, 2 * D]), Transformed);
        for (int i = 0; i < N; i++)
        {
            double s0 = h[(i * 2 * D) + 0], s2 = h[(i * 2 * D) + 2], t0 = h[(i * 2 * D) + D], t2 = h[(i * 2 * D) + D + 2];
            y[i, 0].Should().BeApproximately((x[i * D] * Math.Exp(s0)) + t0, 1e-14);
            y[i, 1].Should().Be(x[(i * D) + 1]);
            y[i, 2].Should().BeApproximately((x[(i * D) + 2] * Math.Exp(s2)) + t2, 1e-14);
            logDet[i].Should().BeApproximately(s0 + s2, 1e-15);
        }
    }

    [Fact]
    public void GradientsMatchCentralDifferences()
    {
        double[] x = GradCheck.RandomValues(N * D, 3, -2, 2), h = GradCheck.RandomValues(N * 2 * D, 4);

        // Both outputs in one scalar, so the gradient the two ops add into h is checked too.
        GradCheck.Check(
            t => GradCheck.Project(AffineCouplingOps.Apply(t[0], t[1], Transformed)) + GradCheck.Project(AffineCouplingOps.LogDet(t[1], Transformed) * 1.7),
            [x, h],
            [[N, D], [N, 2 * D]],
            tolerance: 1e-8);
    }

    [Fact]
    public void TheFusedOpsEqualTheMaskedCompositionBitForBit()
    {
        double[] x = GradCheck.RandomValues(N * D, 5, -2, 2), h = GradCheck.RandomValues(N * 2 * D, 6);
        var pass = Tensor.Vector([.. Transformed.Select(m => m ? 0.0 : 1.0)]);
        var move = Tensor.Vector([.. Transformed.Select(m => m ? 1.0 : 0.0)]);
        var fused = Run(x, h, (xt, ht) => (AffineCouplingOps.Apply(xt, ht, Transformed), AffineCouplingOps.LogDet(ht, Transformed)));
        var composed = Run(x, h, (xt, ht) =>
        {
            var s = ht.Narrow(1, 0, D);
            var t = ht.Narrow(1, D, D);
            return ((xt * pass) + (((xt * s.Exp()) + t) * move), (s * move).Sum(1));
        });
        for (int k = 0; k < 4; k++)
        {
            fused[k].Should().Equal(composed[k], $"output {k} (y, log-det, ∂/∂x, ∂/∂h)");
        }
    }

    [Fact]
    public void WithoutGradientsNothingIsRecorded()
    {
        var x = Tensor.FromArray(GradCheck.RandomValues(N * D, 7), [N, D]);
        var h = Tensor.FromArray(GradCheck.RandomValues(N * 2 * D, 8), [N, 2 * D], requiresGrad: true);
        using (Tensor.NoGrad())
        {
            AffineCouplingOps.Apply(x, h, Transformed).RequiresGrad.Should().BeFalse();
            AffineCouplingOps.LogDet(h, Transformed).RequiresGrad.Should().BeFalse();
        }

        AffineCouplingOps.Apply(x, h, Transformed).RequiresGrad.Should().BeTrue();
    }

    /// <summary>y, the log-determinant, and the gradients of Σ c ⊙ y + Σ c' ⊙ log-det for x and h.</summary>
    private static double[][] Run(double[] x, double[] h, Func<Tensor, Tensor, (Tensor Y, Tensor LogDet)> coupling)
    {
        var xt = Tensor.FromArray(x, [N, D], requiresGrad: true);
        var ht = Tensor.FromArray(h, [N, 2 * D], requiresGrad: true);
        var (y, logDet) = coupling(xt, ht);
        (GradCheck.Project(y) + GradCheck.Project(logDet * 1.3)).Backward();
        return [y.ToArray(), logDet.ToArray(), xt.Grad!.ToArray(), ht.Grad!.ToArray()];
    }
}
