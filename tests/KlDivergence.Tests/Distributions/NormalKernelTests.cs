using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>Normal's one log-density and sampler kernel, and the span paths every family gets.</summary>
public class NormalKernelTests
{
    [Fact]
    public void LogProbMatchesTheFormulaAndFiniteDifferencesUnderEveryBroadcast()
    {
        // -½((x-μ)/σ)² - log σ - ½ log 2π worked per element.
        var y = new Normal(0.2, Tensor.Vector(1.5, 0.7)).LogProb(Tensor.Vector(0.5, -1.0));
        y[0].Should().BeApproximately((-0.5 * (0.3 / 1.5) * (0.3 / 1.5)) - Math.Log(1.5) - (0.5 * Math.Log(2 * Math.PI)), 1e-15);
        y[1].Should().BeApproximately((-0.5 * (1.2 / 0.7) * (1.2 / 0.7)) - Math.Log(0.7) - (0.5 * Math.Log(2 * Math.PI)), 1e-15);

        int[][][] cases =
        [
            [[3, 2], [3, 2], [3, 2]], // full
            [[3, 1], [2], [2]],       // mixture pattern: x repeated, parameters tiled
            [[3, 2], [], [1]],        // single parameters
            [[2, 1, 2], [3, 1], [1, 3, 2]], // general: materialised
            [[3, 9], [3, 9], []],     // one scale along each row: the vectorised rows (two vectors and a tail)
            [[1, 9], [3, 9], [3, 1]], // x tiled, a scale per row
            [[3, 1], [9], [3, 1]],    // x one value per row, loc tiled
        ];
        foreach (var shapes in cases)
        {
            var vals = shapes.Select((s, i) => GradCheck.RandomValues(s.Aggregate(1, (a, b) => a * b), 40 + i, 0.5, 1.5)).ToArray();
            GradCheck.Check(t => GradCheck.Project(new Normal(t[1], t[2]).LogProb(t[0])), vals, shapes);

            // Values against the formula element by element over the explicitly broadcast operands.
            var ts = vals.Select((v, i) => Tensor.FromArray(v, shapes[i])).ToArray();
            var logDensity = new Normal(ts[1], ts[2]).LogProb(ts[0]);
            int[] full = [.. logDensity.Shape];
            double[] xb = ts[0].BroadcastTo(full).ToArray(), mb = ts[1].BroadcastTo(full).ToArray(), sb = ts[2].BroadcastTo(full).ToArray();
            for (int i = 0; i < logDensity.Length; i++)
            {
                double z = (xb[i] - mb[i]) / sb[i];
                logDensity.Values[i].Should().BeApproximately((-0.5 * z * z) - Math.Log(sb[i]) - (0.5 * Math.Log(2 * Math.PI)), 1e-14);
            }
        }
    }

    [Fact]
    public void TrackedSampleIsTheUntrackedDrawsWithFiniteDifferenceGradients()
    {
        // One μ and σ needing gradients: the draws are those of the same stream without gradients (μ + σε), and as a
        // function of (μ, σ) for a fixed seed their gradients match central differences (∂x/∂μ = 1, ∂x/∂σ = ε).
        var loc = Tensor.Scalar(0.4, requiresGrad: true);
        var scale = Tensor.Scalar(1.7, requiresGrad: true);
        var tracked = new Normal(loc, scale).ReparameterizedSample(37, new RandomStream(5UL));
        tracked.RequiresGrad.Should().BeTrue();
        tracked.Values.ToArray().Should().Equal(new Normal(0.4, 1.7).Sample(37, new RandomStream(5UL)).Values.ToArray());
        GradCheck.Check(t => GradCheck.Project(new Normal(t[0], t[1]).ReparameterizedSample(37, new RandomStream(5UL))), [[0.4], [1.7]], [[], []]);
        GradCheck.Check(t => GradCheck.Project(new Normal(t[0], 2.5).ReparameterizedSample(9, new RandomStream(6UL))), [[-0.3]], [[]]);
        GradCheck.Check(t => GradCheck.Project(new Normal(1.0, t[0]).ReparameterizedSample(9, new RandomStream(7UL))), [[0.8]], [[]]);
    }

    [Fact]
    public void SpanPathsGiveTheTensorPathsBitsForEveryLengthAndLayout()
    {
        // Lengths around the four-lane blocks, unbatched (Normal's own kernel) and batched (the general default).
        foreach (int m in new[] { 1, 3, 4, 5, 9, 4097 })
        {
            var unbatched = new Normal(0.3, 1.7);
            var draws = new double[m];
            unbatched.SampleInto(new RandomStream(5), draws);
            draws.Should().Equal(unbatched.Sample(m, new RandomStream(5)).ToArray());
            var viaSpan = new double[m];
            unbatched.LogProbInto(draws, viaSpan);
            viaSpan.Should().Equal(unbatched.LogProb(Tensor.Vector(draws)).ToArray());

            var batched = new Normal(Tensor.Vector(-1.0, 2.0), Tensor.Vector(0.5, 3.0));
            var pairs = new double[2 * m];
            batched.SampleInto(new RandomStream(6), pairs);
            pairs.Should().Equal(batched.Sample(m, new RandomStream(6)).ToArray());
            var logs = new double[2 * m];
            batched.LogProbInto(pairs, logs);
            logs.Should().Equal(batched.LogProb(Tensor.FromArray(pairs, [m, 2])).ToArray());
        }
    }

    [Fact]
    public void EachElementIsComputedAloneWhateverItsPositionInTheLaneBlocks()
    {
        // The vectorised lanes and the scalar tail are one generic formula: a value is the same bits at any position.
        var d = new Normal(-0.7, 0.9);
        double[] x = [.. Enumerable.Range(0, 21).Select(i => (i * 0.37) - 4)];
        var all = new double[x.Length];
        d.LogProbInto(x, all);
        for (int i = 0; i < x.Length; i++)
        {
            var one = new double[1];
            d.LogProbInto(x.AsSpan(i, 1), one);
            one[0].Should().Be(all[i]);
        }
    }

    [Fact]
    public void OneSharedScaleGivesTheGradientBitsOfThatScaleRepeated()
    {
        // A shared σ takes the eight- and four-lane gradient paths, σ repeated per element the scalar one: the same formula, so the
        // gradients with respect to x and μ agree bit for bit, at every length around the lane blocks.
        foreach (int m in new[] { 1, 3, 4, 5, 8, 9, 11, 12, 13, 16, 17, 23 })
        {
            double[] xs = GradCheck.RandomValues(m, 70 + m, -2, 2), locs = GradCheck.RandomValues(m, 80 + m, -1, 1);
            (double[] Gx, double[] GLoc, double GScale) Gradients(Tensor scale)
            {
                var x = Tensor.Vector(xs).RequireGrad();
                var loc = Tensor.Vector(locs).RequireGrad();
                scale.RequireGrad();
                new Normal(loc, scale).LogProb(x).Sum().Backward();
                return (x.Grad!.ToArray(), loc.Grad!.ToArray(), scale.Grad!.ToArray().Sum());
            }

            var shared = Gradients(Tensor.Scalar(0.8));
            var repeated = Gradients(Tensor.Vector([.. Enumerable.Repeat(0.8, m)]));
            shared.Gx.Should().Equal(repeated.Gx);
            shared.GLoc.Should().Equal(repeated.GLoc);

            // ∂/∂σ Σ log N = Σ (z² - 1)/σ, worked here.
            double expected = xs.Zip(locs, (x, mu) => ((((x - mu) / 0.8) * ((x - mu) / 0.8)) - 1) / 0.8).Sum();
            shared.GScale.Should().BeApproximately(expected, 1e-12 * Math.Max(1, Math.Abs(expected)));
        }
    }

    [Fact]
    public void AScalePerElementGivesEachElementsBitsAloneInValueAndGradient()
    {
        // A σ per element (given, or broadcast from a mean-field surrogate's [3]) takes the vector loops with 1/σ by vector
        // division and log-normalisers worked once per σ; one element alone takes the scalar loop. Same bits, at every
        // length around the lane blocks, for log N and for its gradients in x, μ and σ.
        foreach (int rows in new[] { 1, 2, 3, 5, 7 })
        {
            double[] xs = GradCheck.RandomValues(rows * 3, 110 + rows, -2, 2), sigmas = [0.7, 1.3, 2.1];
            var loc = Tensor.FromArray([0.2, -0.4, 1.1], [3], requiresGrad: true);
            var scale = Tensor.FromArray(sigmas, [3], requiresGrad: true);
            var x = Tensor.FromArray(xs, [rows, 3], requiresGrad: true);
            var all = new Normal(loc, scale).LogProb(x);
            var weights = Tensor.FromArray([.. Enumerable.Range(0, rows * 3).Select(i => 0.5 + (0.25 * i))], [rows, 3]);
            (all * weights).Sum().Backward();
            var scaleGradients = new double[3];
            for (int i = 0; i < rows * 3; i++)
            {
                var xi = Tensor.FromArray([xs[i]], [1], requiresGrad: true);
                var li = Tensor.FromArray([loc.Values[i % 3]], [1], requiresGrad: true);
                var si = Tensor.FromArray([sigmas[i % 3]], [1], requiresGrad: true);
                var one = new Normal(li, si).LogProb(xi);
                one.Values[0].Should().Be(all.Values[i], "log N at element {0} of {1}", i, rows * 3);
                (one * weights.Values[i]).Sum().Backward();
                xi.Grad!.Values[0].Should().Be(x.Grad!.Values[i], "∂/∂x at element {0}", i);
                scaleGradients[i % 3] += si.Grad!.Values[0];
            }

            // σ's gradient is the sum of the per-element terms, in the same order.
            scale.Grad!.ToArray().Should().Equal(scaleGradients);
        }
    }

    [Fact]
    public void AOneComponentNormalMixtureIsTheNormalBitForBit()
    {
        // log(1 · N) through the mixture kernel: its component term is Normal's kernel, so the bits agree.
        var mixture = new MixtureSameFamily(new Categorical(Tensor.Vector(1.0)), new Normal(Tensor.Vector(0.4), Tensor.Vector(1.3)));
        var x = Tensor.Vector([.. Enumerable.Range(0, 13).Select(i => (i * 0.41) - 2.5)]);
        mixture.LogProb(x).ToArray().Should().Equal(new Normal(0.4, 1.3).LogProb(x).ToArray());
        var span = new double[13];
        mixture.LogProbInto(x.Values, span);
        span.Should().Equal(new Normal(0.4, 1.3).LogProb(x).ToArray());
    }

    [Fact]
    public void SpanPathsRejectLengthsThatDoNotFitTheShapes()
    {
        var batched = new Normal(Tensor.Vector(-1.0, 2.0), Tensor.Vector(0.5, 3.0));
        var act = () => batched.LogProbInto(new double[3], new double[3]);
        act.Should().Throw<ArgumentException>().WithParameterName("values");
        var wrongResult = () => batched.LogProbInto(new double[4], new double[3]);
        wrongResult.Should().Throw<ArgumentException>().WithParameterName("result");
    }

    [Fact]
    public void OneSharedScaleGivesTheLogDensityBitsOfThatScaleRepeated()
    {
        // A shared σ with a μ per element takes the eight- and four-lane forward paths, σ repeated per element the scalar one: the
        // same formula, so the same bits at every length around the lane blocks.
        foreach (int m in new[] { 1, 3, 4, 5, 8, 9, 11, 12, 13, 16, 17, 23, 4099 })
        {
            double[] xs = GradCheck.RandomValues(m, 90 + m, -2, 2), locs = GradCheck.RandomValues(m, 95 + m, -1, 1);
            var shared = new Normal(Tensor.Vector(locs), Tensor.Scalar(0.8)).LogProb(Tensor.Vector(xs)).ToArray();
            var repeated = new Normal(Tensor.Vector(locs), Tensor.Vector([.. Enumerable.Repeat(0.8, m)])).LogProb(Tensor.Vector(xs)).ToArray();
            shared.Should().Equal(repeated);
        }
    }

    [Fact]
    public void TheKernelsRefuseSpansShorterThanTheValues()
    {
        // The vector loops read and write without bounds checks: a caller's wrong lengths must fail before them.
        double[] x = [0.1, 0.2, 0.3, 0.4, 0.5];
        var shortResult = () => Normal.LogDensity(x, [0.0], [1.0], new double[4]);
        shortResult.Should().Throw<ArgumentException>();
        var wrongLoc = () => Normal.LogDensity(x, [0.0, 1.0], [1.0], new double[5]);
        wrongLoc.Should().Throw<ArgumentException>();
        var shortGradient = () => Normal.LogDensityGradient(x, [0.0], [1.0], new double[5], [], new double[4], []);
        shortGradient.Should().Throw<ArgumentException>();
        var shortOutputGradient = () => Normal.LogDensityGradient(x, [0.0], [1.0], new double[4], [], new double[5], []);
        shortOutputGradient.Should().Throw<ArgumentException>();
    }
}
