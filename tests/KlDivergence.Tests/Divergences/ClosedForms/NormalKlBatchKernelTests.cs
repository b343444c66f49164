using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Divergences.ClosedForms;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Divergences.ClosedForms;

/// <summary>
/// The batched Normal-Normal kernel (vector lanes of the machine's width, scalar lanes for the rest, the scalar
/// log-scale formula for lanes it cannot vouch for) against independent references and against itself at every width,
/// worker count and with or without gradients.
/// </summary>
public class NormalKlBatchKernelTests
{
    /// <summary>Pairs spread over locations, nearly equal to far scale ratios, and the extremes the scalar formula repairs.</summary>
    private static (double[] L1, double[] S1, double[] L2, double[] S2) Pairs(int n, int seed)
    {
        var rng = new System.Random(seed);
        double[] l1 = new double[n], s1 = new double[n], l2 = new double[n], s2 = new double[n];
        double[] extremes = [1e-300, 1e-17, 1e300, 1e-200];
        for (int i = 0; i < n; i++)
        {
            l1[i] = (rng.NextDouble() - 0.5) * 10;
            l2[i] = (rng.NextDouble() - 0.5) * 10;
            s2[i] = Math.Exp((rng.NextDouble() - 0.5) * 6);

            // log ratio from ±1e-12 (nearly equal) to ±12 (far), and now and then an extreme scale or location.
            double logRatio = Math.Pow(10, -12 + (13 * rng.NextDouble())) * (rng.Next(2) == 0 ? -1 : 1);
            s1[i] = s2[i] * Math.Exp(logRatio);
            if (i % 37 == 5)
            {
                s1[i] = extremes[(i / 37) % extremes.Length];
            }

            if (i % 41 == 7)
            {
                l1[i] = 1e300;
            }
        }

        return (l1, s1, l2, s2);
    }

    [Fact]
    public void EveryVectorWidthGivesTheSameBits()
    {
        // 8·k + 5 elements: whole vectors of each width plus a scalar tail.
        var (l1, s1, l2, s2) = Pairs(8 * 40 + 5, 1);
        double[] wide = new double[l1.Length], narrow = new double[l1.Length], scalar = new double[l1.Length];
        NormalKl.Vectorised<WideLane512>(l1, s1, l2, s2, wide);
        NormalKl.Vectorised<WideLane256>(l1, s1, l2, s2, narrow);
        NormalKl.Vectorised<WideLaneScalar>(l1, s1, l2, s2, scalar);
        narrow.Should().Equal(wide);
        scalar.Should().Equal(wide);
    }

    [Fact]
    public void TheKernelAgreesWithTheScalarLogScaleFormulaAndAnIndependentReference()
    {
        // Parity of the fast kernel with the general scalar formula (NormalNormal<Real>, which works through
        // log1p/expm1 of log-scales): both are within a few ulps of the true value, so within 4e-15 of each other.
        // The reference is worked here from δ = (σ₁ - σ₂)/σ₂ by the series of δ - log(1 + δ) where it would cancel.
        var (l1, s1, l2, s2) = Pairs(1000, 2);
        var kernel = new double[l1.Length];
        NormalKl.Vectorised(l1, s1, l2, s2, kernel);
        for (int i = 0; i < l1.Length; i++)
        {
            double general = NormalKl.NormalNormal<Real>(l1[i], s1[i], l2[i], s2[i]).Value;
            if (double.IsPositiveInfinity(general))
            {
                kernel[i].Should().Be(double.PositiveInfinity, $"element {i}");
                continue;
            }

            kernel[i].Should().BeApproximately(general, 4e-15 * general, $"element {i}: σ₁ = {s1[i]}, σ₂ = {s2[i]}");
            double delta = (s1[i] - s2[i]) / s2[i];
            if (Math.Abs(delta) <= 0.5 && Math.Abs(l1[i]) < 1e10)
            {
                double d = (l1[i] - l2[i]) / s2[i];
                double series = 0, power = -delta;
                for (int k = 2; k <= 80; k++)
                {
                    power *= -delta;
                    series += power / k;
                }

                double expected = (0.5 * d * d) + (0.5 * delta * delta) + series;
                kernel[i].Should().BeApproximately(expected, 2e-15 * expected, $"element {i}: δ = {delta}");
            }
        }
    }

    [Fact]
    public void GradientsOfVectorLanesAndTailMatchFiniteDifferences()
    {
        // 8·2 + 3 elements against a scalar prior: whole vectors and the scalar tail of the backward kernel, and the
        // broadcast prior's summed gradients.
        int n = 19;
        var loc = GradCheck.RandomValues(n, 3, -2, 2);
        var scale = GradCheck.RandomValues(n, 4, 0.3, 3);
        GradCheck.Check(
            t => GradCheck.Project(Kl.Exact(new Normal(t[0], t[1]), new Normal(t[2], t[3]))),
            [loc, scale, [0.4], [1.3]],
            [[n], [n], [], []]);
    }

    [Fact]
    public void GradientsOfABatchEqualThoseOfEachPairAloneBitForBit()
    {
        // The backward kernel's vector lanes and its scalar tail are one formula: element i's gradient does not
        // depend on where it falls.
        int n = 11;
        var l1 = GradCheck.RandomValues(n, 5, -2, 2);
        var s1 = GradCheck.RandomValues(n, 6, 0.3, 3);
        var loc = Tensor.Vector(l1).Detach().RequireGrad();
        var scale = Tensor.Vector(s1).Detach().RequireGrad();
        Kl.Exact(new Normal(loc, scale), new Normal(0.5, 1.5)).Sum().Backward();
        for (int i = 0; i < n; i++)
        {
            var li = Tensor.Scalar(l1[i], requiresGrad: true);
            var si = Tensor.Scalar(s1[i], requiresGrad: true);
            Kl.Exact(new Normal(li, si), new Normal(0.5, 1.5)).Backward();
            li.Grad!.ToScalar().Should().Be(loc.Grad!.Values[i], $"∂/∂μ₁ at {i}");
            si.Grad!.ToScalar().Should().Be(scale.Grad!.Values[i], $"∂/∂σ₁ at {i}");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(21)]
    public void LargeBatchesAreBitIdenticalForOneTwoAndEightWorkersWithAndWithoutGradients(int blocks)
    {
        // Blocks of the custom op, the last one partial: the parallel path from two blocks up (the op's threshold),
        // in value and gradients.
        int n = ((blocks - 1) * CustomOp.BlockSize) + 3;
        var (l1, s1, l2, s2) = Pairs(n, 7);
        var runs = new List<double[][]>();
        foreach (int workers in Workers.Counts)
        {
            Workers.With(workers, () =>
            {
                var plain = Kl.Exact(new Normal(l1, s1), new Normal(l2, s2)).ToArray();
                var loc = Tensor.Vector(l1).Detach().RequireGrad();
                var scale = Tensor.Vector(s2).Detach().RequireGrad();
                var tracked = Kl.Exact(new Normal(loc, Tensor.Vector(s1)), new Normal(Tensor.Vector(l2), scale));
                tracked.Sum().Backward();
                tracked.ToArray().Should().Equal(plain, "the value does not depend on whether gradients are recorded");
                runs.Add([plain, loc.Grad!.ToArray(), scale.Grad!.ToArray()]);
            });
        }

        for (int r = 1; r < runs.Count; r++)
        {
            for (int part = 0; part < 3; part++)
            {
                runs[r][part].Should().Equal(runs[0][part], $"run {r}, part {part}");
            }
        }
    }

    [Fact]
    public void ASharedPriorGivesTheSameBitsAsThePriorRepeatedAndAnEmptyBatchGivesNothing()
    {
        // A single-valued q is read once (broadcast in registers, 1/σ₂ shared); written out in full it is read lane by
        // lane: the same values and the same gradients.
        int n = 8 * 5 + 3;
        var l1 = GradCheck.RandomValues(n, 8, -3, 3);
        var s1 = GradCheck.RandomValues(n, 9, 0.1, 4);
        s1[4] = 1e-300;
        var (locShared, scaleShared) = (Tensor.Vector(l1).Detach().RequireGrad(), Tensor.Vector(s1).Detach().RequireGrad());
        var (locFull, scaleFull) = (Tensor.Vector(l1).Detach().RequireGrad(), Tensor.Vector(s1).Detach().RequireGrad());
        var shared = Kl.Exact(new Normal(locShared, scaleShared), new Normal(0.3, 1.7));
        var full = Kl.Exact(new Normal(locFull, scaleFull), new Normal(Enumerable.Repeat(0.3, n).ToArray(), Enumerable.Repeat(1.7, n).ToArray()));
        shared.ToArray().Should().Equal(full.ToArray());
        shared.Sum().Backward();
        full.Sum().Backward();
        locShared.Grad!.ToArray().Should().Equal(locFull.Grad!.ToArray());
        scaleShared.Grad!.ToArray().Should().Equal(scaleFull.Grad!.ToArray());

        Kl.Exact(new Normal(Array.Empty<double>(), Array.Empty<double>()), new Normal(0.0, 1.0)).Shape.Should().Equal([0]);
    }

    [Fact]
    public void TheFirstDistributionsGradientsAreTheSameBitsWhetherOrNotTheSecondIsTracked()
    {
        // With q fixed the backward kernel skips q's partials (a loop of its own); with q tracked it computes all four.
        // p's two partials are the same operations either way, at every length around the vector widths.
        foreach (int n in new[] { 1, 3, 4, 7, 8, 9, 16, 17, 43 })
        {
            var l1 = GradCheck.RandomValues(n, 20 + n, -3, 3);
            var s1 = GradCheck.RandomValues(n, 30 + n, 0.1, 4);
            var l2 = GradCheck.RandomValues(n, 40 + n, -1, 1);
            var s2 = GradCheck.RandomValues(n, 50 + n, 0.5, 2);
            (double[] Loc, double[] Scale) Gradients(bool trackQ)
            {
                var loc = Tensor.Vector(l1).Detach().RequireGrad();
                var scale = Tensor.Vector(s1).Detach().RequireGrad();
                var q = trackQ ? new Normal(Tensor.Vector(l2).Detach().RequireGrad(), Tensor.Vector(s2).Detach().RequireGrad()) : new Normal(l2, s2);
                Kl.Exact(new Normal(loc, scale), q).Sum().Backward();
                return (loc.Grad!.ToArray(), scale.Grad!.ToArray());
            }

            var fixedQ = Gradients(trackQ: false);
            var trackedQ = Gradients(trackQ: true);
            fixedQ.Loc.Should().Equal(trackedQ.Loc, $"∂/∂μ₁, n = {n}");
            fixedQ.Scale.Should().Equal(trackedQ.Scale, $"∂/∂σ₁, n = {n}");
        }
    }
}
