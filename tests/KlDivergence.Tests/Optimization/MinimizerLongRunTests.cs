using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Optimization;

/// <summary>Long budgets, cancellation that keeps what was done, and the gradient norm in progress reports.</summary>
public class MinimizerLongRunTests
{
    [Fact]
    public void AnIntMaxValueBudgetAllocatesOnlyForTheStepsTaken()
    {
        // Before: List<double>(MaxSteps) twice, 16 GB for int.MaxValue (OutOfMemoryException) and 1.6 GB for 1e8.
        var x = new Parameter(3.0, name: "x");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var trace = Minimizer.Minimize(
            () => (x.Value - 1.0).Square(),
            [x],
            new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = int.MaxValue, ConvergenceTolerance = 1e-6, ConvergenceWindow = 5, TraceEvery = 0 });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        trace.Converged.Should().BeTrue();
        trace.Steps.Should().BeLessThan(1000);
        allocated.Should().BeLessThan(20_000_000, "the trace grows with the steps taken, not with the budget");
    }

    [Fact]
    public void ACancelledRunCarriesItsTraceOnTheException()
    {
        using var cts = new CancellationTokenSource();
        var y = new Parameter(3.0, name: "y");
        var act = () => Minimizer.Minimize(
            () => y.Value.Square(),
            [y],
            new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 100_000_000, CancellationToken = cts.Token, Callback = p => { if (p.Step == 4) { cts.Cancel(); } } });
        var thrown = act.Should().Throw<MinimizeCanceledException>().Which;
        thrown.Should().BeAssignableTo<OperationCanceledException>();
        thrown.CancellationToken.Should().Be(cts.Token);
        thrown.Posterior.Should().BeNull();
        var trace = thrown.Trace!;
        trace.WasCanceled.Should().BeTrue();
        trace.Converged.Should().BeFalse();
        trace.Steps.Should().Be(5);

        // y ← 0.8 y per SGD step on y², so the losses are 9·0.64^k and the final snapshot holds 3·0.8⁵.
        trace.Losses.Should().Equal(Enumerable.Range(0, 5).Select(k => 9 * Math.Pow(0.64, k)), (a, b) => Math.Abs(a - b) < 1e-12);
        trace.Snapshots[^1].Step.Should().Be(4);
        trace.Snapshots[^1].Values[0][0].Should().BeApproximately(3 * Math.Pow(0.8, 5), 1e-15);
        y.ToScalar().Should().BeApproximately(3 * Math.Pow(0.8, 5), 1e-15);
        trace.ToString().Should().Be("MinimizeTrace(steps: 5, final loss: 1.50995, converged: false, canceled)");
    }

    [Fact]
    public void ProgressCarriesTheGradientNorm()
    {
        // f(a, b) = a² + (b - 1)², ∇f = (2a, 2(b - 1)) at the values before each step.
        var a = new Parameter(3.0, name: "a");
        var b = new Parameter(-1.0, name: "b");
        var seen = new List<(double Norm, double Expected, double Se)>();
        double av = 3, bv = -1;
        var trace = Minimizer.Minimize(
            () => a.Value.Square() + (b.Value - 1.0).Square(),
            [a, b],
            new MinimizeOptions(Optimizers.Sgd(0.1))
            {
                MaxSteps = 4,
                Callback = p =>
                {
                    seen.Add((p.GradientNorm, Math.Sqrt((4 * av * av) + (4 * (bv - 1) * (bv - 1))), p.LossStandardError));
                    av = a.ToScalar();
                    bv = b.ToScalar();
                },
            });
        seen.Should().HaveCount(4);
        seen[0].Expected.Should().BeApproximately(Math.Sqrt(36 + 16), 1e-12);
        foreach (var (norm, expected, se) in seen)
        {
            norm.Should().BeApproximately(expected, 1e-12);
            double.IsNaN(se).Should().BeTrue("an exact loss has no standard error");
        }

        trace.ToString().Should().StartWith("MinimizeTrace(steps: 4, final loss: ").And.EndWith(", converged: false)");
    }
}
