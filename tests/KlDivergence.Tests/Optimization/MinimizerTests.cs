using KlDivergence.Bijectors;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Optimization;

public class MinimizerTests
{
    [Fact]
    public void FirstNotebookG2RecoversLocAndScaleByClosedFormKl()
    {
        // q = Normal(loc, scale) from (-1, 1) (scale through Exp, as the notebook), fitted to p = N(1, 4).
        var p = new Normal(1, 4);
        var loc = new Parameter(-1.0, name: "loc");
        var scale = new Parameter(1.0, new ExpBijector(), "scale");
        var trace = Minimizer.Minimize(
            () => Kl.Exact(new Normal(loc, scale), p),
            [loc, scale],
            new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 3000 });
        loc.ToScalar().Should().BeApproximately(1, 1e-3);
        scale.ToScalar().Should().BeApproximately(4, 1e-3);
        trace.Steps.Should().Be(3000);
        trace.FinalLoss.Should().BeLessThan(1e-6);
        trace.Losses[0].Should().BeApproximately(Math.Log(4) + ((1 + 4.0) / 32) - 0.5, 1e-12);
    }

    [Fact]
    public void DiagonalNormalFittedByReverseKlReachesTheAnalyticOptimum()
    {
        // Reverse KL from a diagonal q to N(0, Σ) is minimised at μ = 0, σᵢ² = 1/(Σ⁻¹)ᵢᵢ: Σ⁻¹ = (1/1.75)[[2, -0.5], [-0.5, 1]],
        // so the variances are 0.875 and 1.75, and the KL there is ½ ln(det Σ · Πᵢ (Σ⁻¹)ᵢᵢ) = ½ ln(8/7).
        var p = MultivariateNormal.FromCovariance(Tensor.Vector(0, 0), Tensor.Matrix(new[,] { { 1, 0.5 }, { 0.5, 2 } }));
        var loc = new Parameter(Tensor.Vector(2, -2), name: "loc");
        var scale = new Parameter(Tensor.Vector(1, 2), new ExpBijector(), "scale");
        var trace = Minimizer.Minimize(
            () => Kl.Exact(new MultivariateNormalDiag(loc, scale), p),
            [loc, scale],
            new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 3000 });
        var s = scale.ToArray();
        (s[0] * s[0]).Should().BeApproximately(0.875, 1e-6);
        (s[1] * s[1]).Should().BeApproximately(1.75, 1e-6);
        loc.ToArray().Should().AllSatisfy(v => Math.Abs(v).Should().BeLessThan(1e-6));
        trace.FinalLoss.Should().BeApproximately(0.5 * Math.Log(8.0 / 7), 1e-10);
    }

    [Fact]
    public void ANonFiniteLossSkipsTheStepWithoutTouchingParametersAndEventuallyStops()
    {
        var x = new Parameter(2.0, name: "x");
        int calls = 0;
        var options = new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 100, MaxNonFiniteSteps = 3 };

        // Steps 0-1 are fine; from step 2 on the loss is NaN: parameters stay at their step-1 value.
        var act = () => Minimizer.Minimize(
            () =>
            {
                calls++;
                var v = x.Value;
                return calls <= 2 ? v * v : v * double.NaN;
            },
            [x],
            options);
        act.Should().Throw<NonFiniteLossException>().Where(e => e.Step == 5).WithMessage("*step 5*the loss*4 non-finite*");

        // Two SGD steps on x²: x ← x - 0.1·2x twice = 2 · 0.8².
        x.ToScalar().Should().BeApproximately(2 * 0.8 * 0.8, 1e-15);
    }

    [Fact]
    public void ANonFiniteGradientIsNamed()
    {
        var x = new Parameter(0.0, name: "x");
        var act = () => Minimizer.Minimize(() => x.Value.Sqrt(), [x], new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 5, MaxNonFiniteSteps = 0 });
        act.Should().Throw<NonFiniteLossException>().WithMessage("*gradient of 'x'*");
        x.ToScalar().Should().Be(0);
    }

    [Fact]
    public void ConvergenceProgressCancellationAndTrace()
    {
        var x = new Parameter(3.0, name: "x");
        var seen = new List<MinimizeProgress>();
        var trace = Minimizer.Minimize(
            () => (x.Value - 1.0).Square(),
            [x],
            new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 10_000, ConvergenceTolerance = 1e-9, ConvergenceWindow = 10, TraceEvery = 5, Callback = seen.Add });
        trace.Converged.Should().BeTrue();
        trace.Steps.Should().BeLessThan(10_000);
        seen.Should().HaveCount(trace.Steps);
        seen[0].Loss.Should().Be(4);
        trace.Snapshots[0].Step.Should().Be(-1);
        trace.Snapshots[0].Values[0][0].Should().Be(3);
        trace.Snapshots[1].Step.Should().Be(4);
        trace.Snapshots[^1].Step.Should().Be(trace.Steps - 1);

        using var cts = new CancellationTokenSource();
        var y = new Parameter(3.0, name: "y");
        var act = () => Minimizer.Minimize(
            () => y.Value.Square(),
            [y],
            new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 100, CancellationToken = cts.Token, Callback = p => { if (p.Step == 4) { cts.Cancel(); } } });
        act.Should().Throw<OperationCanceledException>();
        y.ToScalar().Should().BeApproximately(3 * Math.Pow(0.8, 5), 1e-15);
    }

    [Fact]
    public void ParametersReadAndWriteConstrainedValues()
    {
        var s = new Parameter(Tensor.Vector(0.5, 2.0), new SoftplusBijector(), "scale");
        s.ToArray().Should().Equal(new[] { 0.5, 2.0 }, (a, b) => Math.Abs(a - b) < 1e-12);
        s.Assign(Tensor.Vector(3.0, 4.0));
        s.ToArray().Should().Equal(new[] { 3.0, 4.0 }, (a, b) => Math.Abs(a - b) < 1e-12);
        ((Action)(() => s.Assign(Tensor.Vector(-1.0, 1.0)))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ALargeFitStepsAsTheRuleWrittenOutAndKeepsTwoSnapshotsByDefault()
    {
        // Σ (w - t)² over enough parameters that every pass of the step splits across the workers, three Adam steps
        // (lr 0.01): the parameters must be the rule worked here element by element (the gradient 2(w - t) exactly,
        // Adam as documented, then w + (-η)·u), the same for 1, 2 and 8 workers; by default the trace holds the values
        // before the first step and at the end only.
        int n = ElementwiseSplit.Threshold + 5;
        var start = GradCheck.RandomValues(n, 91, -2, 2);
        var target = GradCheck.RandomValues(n, 92, -2, 2);
        const double Lr = 0.01, B1 = 0.9, B2 = 0.999, Eps = 1e-8;
        var expected = (double[])start.Clone();
        double[] m = new double[n], v = new double[n];
        for (int t = 1; t <= 3; t++)
        {
            double c1 = 1.0 - Math.Pow(B1, t), c2 = 1.0 - Math.Pow(B2, t);
            for (int i = 0; i < n; i++)
            {
                double g = 2 * (expected[i] - target[i]);
                m[i] = (g * (1.0 - B1)) + (m[i] * B1);
                v[i] = (g * g * (1.0 - B2)) + (v[i] * B2);
                double u = m[i] / (Math.Sqrt(v[i] / c2) + Eps) / c1;
                expected[i] += u * -Lr;
            }
        }

        var targetTensor = Tensor.FromArray(target, [n]);
        foreach (int workers in Workers.Counts)
        {
            var (values, snapshots) = Workers.With(workers, () =>
            {
                var w = new Parameter(Tensor.FromArray(start, [n]), name: "w");
                var trace = Minimizer.Minimize(() => (w.Value - targetTensor).Square().Sum(), [w], new MinimizeOptions(Optimizers.Adam(Lr)) { MaxSteps = 3 });
                return (w.ToArray(), trace.Snapshots.Count);
            });
            values.Should().Equal(expected, $"with {workers} workers");
            snapshots.Should().Be(2);
        }
    }
}
