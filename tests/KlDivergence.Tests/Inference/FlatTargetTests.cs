using FluentAssertions;
using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Inference;

/// <summary>
/// The flat target behind MAP, Laplace and Pathfinder evaluates rows in blocks of at most
/// <see cref="FlatTarget.BlockRows"/> (so a thousand draws of a model with many observations never build
/// [1000, data] intermediates) and, with reuse on, gives a gradient evaluation's intermediates to the next one.
/// </summary>
public class FlatTargetTests
{
    private const int Data = 100;

    private static readonly Tensor Observations = Tensor.FromArray([.. Enumerable.Range(0, Data).Select(i => Math.Sin(i) + 0.5)], [Data]);

    /// <summary>
    /// log p(z) = Σⱼ log N(yⱼ; z₀ + z₁ xⱼ, 1) + log N(z; 0, 1): intermediates of [rows, 100] values (pooled), each row's
    /// value its own, computed element by element and summed per row.
    /// </summary>
    private static Tensor Regression(Tensor z)
    {
        var xs = Tensor.FromArray([.. Enumerable.Range(0, Data).Select(i => i / (double)Data)], [1, Data]);
        var mean = z.Narrow(1, 0, 1) + (z.Narrow(1, 1, 1) * xs);
        return new Normal(mean, 1.0).LogProb(Observations).Sum(1) + new Normal(0.0, 1.0).LogProb(z).Sum(1);
    }

    private static double[] Rows(int n)
    {
        var rows = new double[2 * n];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = Math.Cos(1.7 * i);
        }

        return rows;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RowsGoInBlocksAndEachRowHasTheValueAndGradientItHasAlone(bool reuse)
    {
        const int n = 150;
        var sizes = new List<int>();
        var target = new FlatTarget(z => { sizes.Add(z.Shape[0]); return Regression(z); }, 2, reuse);
        var rows = Rows(n);
        var gradients = new double[2 * n];

        var withGradients = target.LogDensitiesWithGradients(rows, n, gradients);
        var values = target.LogDensities(rows, n);

        sizes.Should().Equal(64, 64, 22, 64, 64, 22);
        target.GradientEvaluations.Should().Be(n);
        target.DensityEvaluations.Should().Be(n);
        var alone = new FlatTarget(Regression, 2, reuse);
        for (int i = 0; i < n; i++)
        {
            var row = rows.AsSpan(2 * i, 2).ToArray();
            var gradient = new double[2];
            double value = alone.LogDensitiesWithGradients(row, 1, gradient)[0];
            withGradients[i].Should().Be(value, $"row {i}'s value with gradients");
            values[i].Should().Be(value, $"row {i}'s value without gradients");
            gradients.AsSpan(2 * i, 2).ToArray().Should().Equal(gradient, $"row {i}'s gradient");

            // The worked gradient: ∂/∂z₀ = Σ(y - m) - z₀, ∂/∂z₁ = Σ(y - m)x - z₁.
            double g0 = -row[0], g1 = -row[1];
            for (int j = 0; j < Data; j++)
            {
                double x = j / (double)Data, r = Observations.Values[j] - (row[0] + (row[1] * x));
                g0 += r;
                g1 += r * x;
            }

            gradient[0].Should().BeApproximately(g0, 1e-12 * Math.Max(1, Math.Abs(g0)));
            gradient[1].Should().BeApproximately(g1, 1e-12 * Math.Max(1, Math.Abs(g1)));
        }
    }

    [Fact]
    public void AnIntermediateKeptPastItsEvaluationThrowsUnlessReuseIsOff()
    {
        Tensor? kept = null;
        double keptZ0 = double.NaN;
        Tensor Keeping(Tensor z)
        {
            var value = Regression(z);
            kept = z.Narrow(1, 0, 1) * Observations;
            keptZ0 = z.Values[0];
            return value + (kept.Sum(1) * 0.0);
        }

        var map = MaximumAPosteriori.Estimate(Keeping, [0.0, 0.0]);
        map.GradientEvaluations.Should().BeGreaterThan(1);
        var read = () => kept!.ToArray();
        read.Should().Throw<InvalidOperationException>().WithMessage("*Clone()*ReuseIntermediates*");

        var withoutReuse = MaximumAPosteriori.Estimate(Keeping, [0.0, 0.0], new LbfgsOptions { ReuseIntermediates = false });
        kept!.ToArray().Should().Equal(Observations.Values.ToArray().Select(y => keptZ0 * y), "the last evaluation's intermediate keeps its values");
        withoutReuse.Mode.Should().Equal(map.Mode, "reusing memory changes no value");
    }

    [Fact]
    public void PathfinderGivesTheSameBitsWithReuseOnAndOff()
    {
        var on = Pathfinder.SinglePath(Regression, [0.3, -0.2], new PathfinderOptions { Seed = 5, DrawsPerPath = 150 });
        var off = Pathfinder.SinglePath(Regression, [0.3, -0.2], new PathfinderOptions { Seed = 5, DrawsPerPath = 150, Lbfgs = new LbfgsOptions { ReuseIntermediates = false } });

        on.Draws.ToArray().Should().Equal(off.Draws.ToArray());
        on.Paths[0].Elbos.Should().Equal(off.Paths[0].Elbos);
        on.Diagnostics.ParetoK.Should().Be(off.Diagnostics.ParetoK);
    }

    [Fact]
    public void GradientEvaluationsReuseTheirIntermediatesMemory()
    {
        // [1, 10 000]: 80 KB intermediates, below the large object heap, so only reuse keeps them from being fresh.
        const int wide = 10_000;
        var ys = Tensor.FromArray([.. Enumerable.Range(0, wide).Select(i => Math.Sin(0.01 * i))], [wide]);
        Tensor Wide(Tensor z) => new Normal(z.Narrow(1, 0, 1) + (z.Narrow(1, 1, 1) * ys), 1.0).LogProb(ys).Sum(1);
        long PerEvaluation(bool reuse)
        {
            var target = new FlatTarget(Wide, 2, reuse);
            var gradient = new double[2];
            target.NegativeLogDensity([0.1, 0.2], gradient);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 20; k++)
            {
                target.NegativeLogDensity([0.1 * k, 0.2], gradient);
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
        }

        PerEvaluation(reuse: true).Should().BeLessThan(wide * sizeof(double), "a steady state allocates less than one intermediate per evaluation");
        PerEvaluation(reuse: false).Should().BeGreaterThan(2 * wide * sizeof(double), "without reuse every intermediate is fresh");
    }
}
