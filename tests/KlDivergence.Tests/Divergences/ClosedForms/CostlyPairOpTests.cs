using KlDivergence.Divergences.ClosedForms;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// The element-wise op behind the closed forms' gamma-function and relative-entropy terms computes a partial derivative
/// only for an input that needs a gradient (ψ(b) - ψ(a) for a prior's fixed concentration cost as much as the value),
/// and each partial it computes is the one worked here.
/// </summary>
public class CostlyPairOpTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void OnlyTheInputsThatNeedAGradientGetTheirPartial(bool tracksA, bool tracksB)
    {
        var a = Tensor.FromArray([1.5, 2.0, 3.0], [3], requiresGrad: tracksA);
        var b = Tensor.FromArray([0.5], [1], requiresGrad: tracksB);
        int callsA = 0, callsB = 0;
        var y = CostlyPairOp.Record(
            a,
            b,
            static (x, z, value) =>
            {
                for (int i = 0; i < value.Length; i++)
                {
                    value[i] = x[i] * z[i] * z[i];
                }
            },
            (_, z, slope) =>
            {
                for (int i = 0; i < slope.Length; i++, callsA++)
                {
                    slope[i] = z[i] * z[i];
                }
            },
            (x, z, slope) =>
            {
                for (int i = 0; i < slope.Length; i++, callsB++)
                {
                    slope[i] = 2 * x[i] * z[i];
                }
            });
        y.ToArray().Should().Equal(1.5 * 0.25, 2.0 * 0.25, 3.0 * 0.25);
        (y * Tensor.FromArray([1.0, 2.0, 3.0], [3])).Sum().Backward();

        callsA.Should().Be(tracksA ? 3 : 0);
        callsB.Should().Be(tracksB ? 3 : 0);
        if (tracksA)
        {
            a.Grad!.ToArray().Should().Equal(0.25, 0.5, 0.75);
        }

        if (tracksB)
        {
            // Σᵢ gᵢ · 2 aᵢ b = 2 · 0.5 · (1.5 + 4 + 9).
            b.Grad!.ToArray().Should().Equal(14.5);
        }
    }

    /// <summary>
    /// Its kernels are costly, so it runs blocks of <see cref="ElementwiseSplit.CostlyBlockSize"/> pairs on all cores:
    /// E(a, b) and both partials over a ragged batch are the same bits for 1, 2 and 8 workers, and each element is the
    /// scalar function's value (no block skipped or written twice).
    /// </summary>
    [Fact]
    public void CostlyKernelsSplitAcrossCoresGiveTheSameBits()
    {
        const int n = (5 * ElementwiseSplit.CostlyBlockSize) + 7;
        double[] first = [.. Enumerable.Range(0, n).Select(i => Math.Exp(Math.Sin(i)))];
        double[] second = [.. Enumerable.Range(0, n).Select(i => Math.Exp(Math.Cos(0.7 * i)))];
        var runs = Workers.Each(() =>
        {
            var a = Tensor.FromArray(first, [n], requiresGrad: true);
            var b = Tensor.FromArray(second, [n], requiresGrad: true);
            var e = GammaFunctionDifferences.LogGammaExcess(a, b);
            e.Sum().Backward();
            return (Value: e.ToArray(), GradA: a.Grad!.ToArray(), GradB: b.Grad!.ToArray());
        });
        foreach (var run in runs)
        {
            run.Value.Should().Equal(runs[0].Value);
            run.GradA.Should().Equal(runs[0].GradA);
            run.GradB.Should().Equal(runs[0].GradB);
        }

        for (int i = 0; i < n; i++)
        {
            runs[0].Value[i].Should().Be(GammaFunctionDifferences.LogGammaExcess(first[i], second[i]), $"element {i}");
            runs[0].GradB[i].Should().Be(GammaFunctionDifferences.DigammaDifference(first[i], second[i]), $"∂/∂b {i}");
        }
    }
}
