using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// The dense layer on the blocked matrix kernel and its fused hidden activation: values against a(x W + b) written
/// out in plain loops here, gradients against central differences, the fused op against the two-op composition
/// Dense then activation (bit for bit: both run the same kernels on the same arrays), and worker-count invariance.
/// </summary>
public class DenseOpsTests
{
    public static TheoryData<string> Activations => ["none", "tanh", "softplus"];

    private static UnaryOp? Rule(string activation) => activation switch
    {
        "tanh" => ElementwiseRules.Tanh,
        "softplus" => ElementwiseRules.Softplus,
        _ => null,
    };

    private static double Reference(string activation, double z) => activation switch
    {
        "tanh" => Math.Tanh(z),
        "softplus" => Math.Log(1 + Math.Exp(z)),
        _ => z,
    };

    private static Tensor Composed(string activation, Tensor x, Tensor w, Tensor b) => activation switch
    {
        "tanh" => x.Dense(w, b).Tanh(),
        "softplus" => x.Dense(w, b).Softplus(),
        _ => x.Dense(w, b),
    };

    // 37 rows, 13 inputs and 11 outputs: the blocked kernel with partial row panels and a partial column panel.
    private const int N = 37, In = 13, Out = 11;

    [Theory]
    [MemberData(nameof(Activations))]
    public void ValuesAreTheActivationOfXTimesWPlusB(string activation)
    {
        double[] x = GradCheck.RandomValues(N * In, 1, -2, 2), w = GradCheck.RandomValues(In * Out, 2), b = GradCheck.RandomValues(Out, 3);
        var y = Tensor.FromArray(x, [N, In]).Dense(Tensor.FromArray(w, [In, Out]), Tensor.FromArray(b, [Out]), Rule(activation));
        y.Shape.Should().Equal(N, Out);
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < Out; j++)
            {
                double z = b[j];
                for (int k = 0; k < In; k++)
                {
                    z += x[(i * In) + k] * w[(k * Out) + j];
                }

                y[i, j].Should().BeApproximately(Reference(activation, z), 1e-13, $"entry [{i}, {j}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void GradientsMatchCentralDifferences(string activation)
    {
        GradCheck.Check(
            t => GradCheck.Project(t[0].Dense(t[1], t[2], Rule(activation))),
            [GradCheck.RandomValues(N * In, 4, -2, 2), GradCheck.RandomValues(In * Out, 5), GradCheck.RandomValues(Out, 6)],
            [[N, In], [In, Out], [Out]],
            tolerance: 1e-7);
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void TheFusedOpEqualsTheCompositionBitForBit(string activation)
    {
        double[] x = GradCheck.RandomValues(N * In, 7, -2, 2), w = GradCheck.RandomValues(In * Out, 8), b = GradCheck.RandomValues(Out, 9);
        var (fused, fusedGrads) = Run(t => t[0].Dense(t[1], t[2], Rule(activation)), x, w, b);
        var (composed, composedGrads) = Run(t => Composed(activation, t[0], t[1], t[2]), x, w, b);
        fused.Should().Equal(composed);
        for (int k = 0; k < 3; k++)
        {
            fusedGrads[k].Should().Equal(composedGrads[k], $"the gradient of input {k}");
        }
    }

    [Fact]
    public void LargeLayersAreBitIdenticalForOneTwoAndEightWorkers()
    {
        // 300 x 96 x 80: above the kernel's parallel threshold, so the products are split over row blocks.
        double[] x = GradCheck.RandomValues(300 * 96, 10), w = GradCheck.RandomValues(96 * 80, 11), b = GradCheck.RandomValues(80, 12);
        var runs = new List<(double[] Y, double[][] Grads)>();
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                runs.Add(Run(t => t[0].Dense(t[1], t[2], ElementwiseRules.Tanh), x, w, b, 300, 96, 80));
            });
        }

        foreach (var run in runs.Skip(1))
        {
            run.Y.Should().Equal(runs[0].Y);
            for (int k = 0; k < 3; k++)
            {
                run.Grads[k].Should().Equal(runs[0].Grads[k]);
            }
        }
    }

    /// <summary>The output and the gradients of Σ c ⊙ y (fixed non-uniform c) for x, W and b.</summary>
    private static (double[] Y, double[][] Grads) Run(Func<Tensor[], Tensor> layer, double[] x, double[] w, double[] b, int n = N, int inputs = In, int outputs = Out)
    {
        Tensor[] t = [Tensor.FromArray(x, [n, inputs], requiresGrad: true), Tensor.FromArray(w, [inputs, outputs], requiresGrad: true), Tensor.FromArray(b, [outputs], requiresGrad: true)];
        var y = layer(t);
        GradCheck.Project(y).Backward();
        return (y.ToArray(), [.. t.Select(v => v.Grad!.ToArray())]);
    }
}
