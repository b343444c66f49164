using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// The Laplace-Laplace KL's vector kernel: values against the closed form worked here, partial derivatives against
/// finite differences in both of its branches (d/bp on either side of 1) and on both sides of μp = μq, and a batch's
/// elements against the same pairs evaluated alone (vector lanes, scalar tail and a broadcast prior agree).
/// </summary>
public class LaplaceKlTests
{
    private static readonly double[] Locations = [0.3, -2.0, 4.5, -0.05, 1.1, 0.0, 7.0, -3.3, 0.9, 2.2, -1.0, 0.4, 5.5, -6.0, 0.2];
    private static readonly double[] Scales = [1.2, 0.4, 2.5, 0.9, 0.05, 3.0, 1.0, 0.7, 1.6, 0.3, 4.0, 1.1, 0.8, 2.0, 0.6];

    [Fact]
    public void ValuesMatchTheClosedFormWorkedHere()
    {
        // log(bq/bp) + d/bq + (bp/bq)e^{-d/bp} - 1, against Laplace(0.5, 1.3); these pairs are far enough apart that
        // the direct form loses at most a few ulps of max(1, KL).
        var kl = Kl.Exact(new Laplace(Tensor.FromArray(Locations, [15]), Tensor.FromArray(Scales, [15])), new Laplace(0.5, 1.3)).ToArray();
        for (int i = 0; i < 15; i++)
        {
            double d = Math.Abs(Locations[i] - 0.5), r = Scales[i] / 1.3;
            double expected = Math.Log(1.3 / Scales[i]) + (d / 1.3) + (r * Math.Exp(-d / Scales[i])) - 1;
            kl[i].Should().BeApproximately(expected, 1e-14 * Math.Max(1, expected), $"pair {i}");
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferencesInBothBranches()
    {
        // Pairs 0-2 have d/bp below 1 and 3-5 above it; p's location lies on either side of q's.
        double[] loc1 = [0.3, -0.2, 0.1, 3.0, -2.5, 0.2], scale1 = [1.2, 0.7, 2.0, 0.5, 1.1, 0.05];
        double[] loc2 = [-0.4, 0.3, 0.0, -0.5, 1.0, 0.9], scale2 = [0.7, 1.5, 1.0, 2.0, 0.4, 1.3];
        GradCheck.Check(
            t => GradCheck.Project(Kl.Exact(new Laplace(t[0], t[1]), new Laplace(t[2], t[3]))),
            [loc1, scale1, loc2, scale2],
            [[6], [6], [6], [6]],
            tolerance: 1e-6);
    }

    [Fact]
    public void ABatchGivesEachPairsOwnValueAndGradient()
    {
        var loc = Tensor.FromArray(Locations, [3, 5], requiresGrad: true);
        var scale = Tensor.FromArray(Scales, [3, 5], requiresGrad: true);
        var batch = Kl.Exact(new Laplace(loc, scale), new Laplace(0.25, 1.5));
        batch.Sum().Backward();
        for (int i = 0; i < 15; i++)
        {
            var l = Tensor.Scalar(Locations[i], requiresGrad: true);
            var s = Tensor.Scalar(Scales[i], requiresGrad: true);
            var one = Kl.Exact(new Laplace(l, s), new Laplace(0.25, 1.5));
            one.Backward();
            batch.Values[i].Should().Be(one.ToScalar(), $"pair {i}");
            loc.Grad!.Values[i].Should().Be(l.Grad!.ToScalar(), $"∂/∂μ, pair {i}");
            scale.Grad!.Values[i].Should().Be(s.Grad!.ToScalar(), $"∂/∂b, pair {i}");
        }
    }

    [Fact]
    public void BatchesOnTheCoresAreBitIdenticalForOneTwoAndEightWorkersAndMatchEachPairAlone()
    {
        // Three blocks (the last one partial): the op runs them on the cores from two blocks up.
        const int n = (2 * CustomOp.BlockSize) + 3;
        double[] loc = [.. Enumerable.Range(0, n).Select(i => 2 * Math.Sin(i * 0.37))];
        double[] scale = [.. Enumerable.Range(0, n).Select(i => Math.Exp(Math.Cos(i * 0.29)))];
        var runs = Workers.Each(() =>
        {
            var l = Tensor.FromArray(loc, [n], requiresGrad: true);
            var s = Tensor.FromArray(scale, [n], requiresGrad: true);
            var kl = Kl.Exact(new Laplace(l, s), new Laplace(0.25, 1.5));
            kl.Sum().Backward();
            return (Value: kl.ToArray(), Loc: l.Grad!.ToArray(), Scale: s.Grad!.ToArray());
        });
        foreach (var run in runs.Skip(1))
        {
            run.Value.Should().Equal(runs[0].Value);
            run.Loc.Should().Equal(runs[0].Loc);
            run.Scale.Should().Equal(runs[0].Scale);
        }

        foreach (int i in new[] { 0, 4095, 4096, 8191, 8192, n - 1 })
        {
            var l = Tensor.Scalar(loc[i], requiresGrad: true);
            var s = Tensor.Scalar(scale[i], requiresGrad: true);
            var one = Kl.Exact(new Laplace(l, s), new Laplace(0.25, 1.5));
            one.Backward();
            runs[0].Value[i].Should().Be(one.ToScalar(), $"pair {i}");
            runs[0].Loc[i].Should().Be(l.Grad!.ToScalar(), $"∂/∂μ, pair {i}");
            runs[0].Scale[i].Should().Be(s.Grad!.ToScalar(), $"∂/∂b, pair {i}");
        }
    }
}
