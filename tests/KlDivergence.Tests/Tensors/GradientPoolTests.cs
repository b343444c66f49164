using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// Backward passes take their gradient arrays from a pool and return them; nothing a caller can reach may ever share
/// one. These tests hold results and gradients across many later passes of the same shapes (which reuse the pooled
/// arrays) and check that they never change, and that gradients stay right when passes share gradient arrays.
/// </summary>
public class GradientPoolTests
{
    private static (Tensor Loss, Tensor Logits) Step(Tensor w, Tensor x, int[] rows)
    {
        // Shapes like a mini-batch fit: a gather, a matrix-vector product, element-wise work, fan-out of w.
        var logits = x.IndexSelect(0, rows).MatMul(w);
        var loss = logits.Softplus().Sum() + (w * w).Sum() + w.IndexSelect(0, [0, 0, 3]).Sum();
        return (loss, logits);
    }

    [Fact]
    public void ResultsAndGradientsHeldAcrossLaterPassesNeverChange()
    {
        var x = Tensor.FromArray(GradCheck.RandomValues(500 * 80, 1), [500, 80]);
        var heldLogits = new List<(Tensor Tensor, double[] Copy)>();
        var heldGrads = new List<(Tensor Tensor, double[] Copy)>();
        var rng = new System.Random(2);
        for (int step = 0; step < 60; step++)
        {
            var w = Tensor.FromArray(GradCheck.RandomValues(80, 100 + step), [80], requiresGrad: true);
            var rows = Enumerable.Range(0, 300).Select(_ => rng.Next(500)).ToArray();
            var (loss, logits) = Step(w, x, rows);
            loss.Backward();
            if (step % 10 == 0)
            {
                heldLogits.Add((logits, logits.ToArray()));
                heldGrads.Add((w.Grad!, w.Grad!.ToArray()));
            }
        }

        foreach (var (tensor, copy) in heldLogits.Concat(heldGrads))
        {
            tensor.ToArray().Should().Equal(copy);
        }
    }

    [Fact]
    public void RepeatedPassesGiveTheGradientOfTheFirstPassAndOfFiniteDifferences()
    {
        var x = Tensor.FromArray(GradCheck.RandomValues(50 * 80, 3), [50, 80]);
        int[] rows = [3, 7, 7, 49, 0, 12, 3];
        var wValues = GradCheck.RandomValues(80, 4);
        double[]? first = null;
        for (int pass = 0; pass < 5; pass++)
        {
            var w = Tensor.FromArray(wValues, [80], requiresGrad: true);
            Step(w, x, rows).Loss.Backward();
            first ??= w.Grad!.ToArray();
            w.Grad!.ToArray().Should().Equal(first, $"pass {pass} reuses pooled arrays and must give the same bits");
        }

        GradCheck.Check(t => Step(t[0], x, rows).Loss, [wValues], [[80]]);
    }

    [Fact]
    public void AGradientSharedByTwoInputsIsNotOverwrittenWhenOneOfThemAccumulates()
    {
        // y = a + b hands the same gradient array to a and b; a then gets more gradient from a second use. b's gradient
        // must stay that of the first use alone, pass after pass.
        for (int pass = 0; pass < 3; pass++)
        {
            var a = Tensor.FromArray(GradCheck.RandomValues(100, 5), [100], requiresGrad: true);
            var b = Tensor.FromArray(GradCheck.RandomValues(100, 6), [100], requiresGrad: true);
            var u = a * 1.0;
            var v = b * 1.0;
            var s = u + v;
            var loss = (s * Tensor.FromArray(GradCheck.RandomValues(100, 7), [100])).Sum() + (u * 3.0).Sum();
            loss.Backward();
            var weights = GradCheck.RandomValues(100, 7);
            for (int i = 0; i < 100; i++)
            {
                a.Grad![i].Should().BeApproximately(weights[i] + 3.0, 1e-14);
                b.Grad![i].Should().BeApproximately(weights[i], 1e-14);
            }
        }
    }

    private static Tensor BroadcastStep(Tensor z, Tensor x, Tensor y)
    {
        // A regression's log-likelihood over a [samples, points] grid (broadcast products and sums, a custom op whose
        // location is a full grid and whose value is broadcast, a sum over an axis and one over everything).
        var pred = z.Narrow(1, 0, 1) + (z.Narrow(1, 1, 1) * x);
        var logLik = new KlDivergence.Distributions.Normal(pred, 1.0).LogProb(y).Sum(1);
        return (logLik * logLik.Exp().Reciprocal().Log1p()).Sum() + ((z / 3.0) - x.Sum()).Square().Mean();
    }

    [Fact]
    public void BroadcastGradientsHeldAcrossLaterPassesNeverChangeAndMatchFiniteDifferences()
    {
        // Broadcast operands' gradients are summed from pooled scratch (returned at once) and full-size ones are
        // pooled by the pass: gradients held from early passes must keep their bits while later passes reuse arrays.
        var x = Tensor.FromArray(GradCheck.RandomValues(70, 21, -2, 2), [1, 70]);
        var y = Tensor.FromArray(GradCheck.RandomValues(70, 22, -2, 2), [1, 70]);
        var held = new List<(Tensor Tensor, double[] Copy)>();
        double[]? first = null;
        for (int pass = 0; pass < 12; pass++)
        {
            var z = Tensor.FromArray(GradCheck.RandomValues(60, 23, -1, 1), [30, 2], requiresGrad: true);
            BroadcastStep(z, x, y).Backward();
            first ??= z.Grad!.ToArray();
            z.Grad!.ToArray().Should().Equal(first, $"pass {pass} reuses pooled arrays and must give the same bits");
            held.Add((z.Grad!, z.Grad!.ToArray()));
        }

        foreach (var (tensor, copy) in held)
        {
            tensor.ToArray().Should().Equal(copy);
        }

        GradCheck.Check(t => BroadcastStep(t[0], x, y), [GradCheck.RandomValues(60, 23, -1, 1)], [[30, 2]]);
    }
}
