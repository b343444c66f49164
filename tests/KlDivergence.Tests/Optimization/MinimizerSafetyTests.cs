using KlDivergence.Bijectors;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Optimization;

public class MinimizerSafetyTests
{
    [Fact]
    public void OneHugeGradientIsSkippedAndDoesNotFreezeAdam()
    {
        // f(x) = ½(x - 1)², minimum at x = 1 (analytic). At step 5 the loss is replaced by 10²⁰¹ x: a finite gradient
        // whose square overflows Adam's second moment to +∞, after which every update would be 0.
        var x = new Parameter(Tensor.Scalar(0.0), name: "x");
        int calls = 0;
        var trace = Minimizer.Minimize(
            () => calls++ == 5 ? x.Value * 1e201 : (x.Value - 1.0).Square() * 0.5,
            [x],
            new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 300 });

        trace.SkippedSteps.Should().Be(1, "the overflowing step is detected and counted");
        x.ToScalar().Should().BeApproximately(1.0, 0.05, "the state was restored, so Adam keeps moving x to the minimum");
    }

    [Fact]
    public void ARestoredStateGivesTheSameRunAsIfTheSpikeNeverHappened()
    {
        // Skipping restores every moment and the step count, so the run with a spike equals the run without it
        // one step shorter (compared element for element: two runs of the same arithmetic).
        double Run(bool spike)
        {
            var x = new Parameter(Tensor.Scalar(0.0), name: "x");
            int calls = 0;
            Minimizer.Minimize(
                () => spike && calls++ == 3 ? x.Value * 1e201 : (x.Value - 1.0).Square() * 0.5,
                [x],
                new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = spike ? 21 : 20 });
            return x.ToScalar();
        }

        Run(spike: true).Should().Be(Run(spike: false));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SavingTheStateBeforeEachStepLeavesAdamsOwnTrajectoryOverSplitBuffers(bool amsgrad)
    {
        // The minimize loop saves Adam's state by swapping buffers with its saved copy, and the update then reads the
        // moments from the saved buffers. Over 70 000 parameters (vector lanes, a scalar tail, blocks on the cores),
        // with a spike skipped at step 3, the result is bit for bit Adam's own update applied by hand without the
        // spike: ½Σ(w - t)², gradient w - t.
        const int n = 70_003;
        double[] start = [.. Enumerable.Range(0, n).Select(i => Math.Sin(i * 0.3))];
        double[] target = [.. Enumerable.Range(0, n).Select(i => Math.Cos(i * 0.7))];
        var t = Tensor.FromArray(target, [n]);
        var w = new Parameter(Tensor.FromArray(start, [n]), name: "w");
        int calls = 0;
        var trace = Minimizer.Minimize(
            () => calls++ == 3 ? (w.Value * 1e201).Sum() : (w.Value - t).Square().Sum() * 0.5,
            [w],
            new MinimizeOptions(Optimizers.Adam(0.05, amsgrad: amsgrad)) { MaxSteps = 7 });
        trace.SkippedSteps.Should().Be(1);

        var adam = Optimizers.Adam(0.05, amsgrad: amsgrad);
        double[] byHand = [.. start];
        var state = adam.Init([byHand]);
        for (int step = 0; step < 6; step++)
        {
            double[] g = [.. byHand.Select((v, i) => v - target[i])];
            adam.Update([g], state, [byHand]);
            Updates.Apply([byHand], [g]);
        }

        w.Value.ToArray().Should().Equal(byHand);
    }

    [Fact]
    public void AParameterListedTwiceIsRejectedByName()
    {
        var x = new Parameter(Tensor.Scalar(0.0), name: "weight");
        var act = () => Minimizer.Minimize(() => x.Value.Square(), [x, x], new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 1 });
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "parameters" && e.Message.Contains("'weight'") && e.Message.Contains("twice"));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    public void ABadConvergenceToleranceIsRejected(double tolerance)
    {
        var x = new Parameter(Tensor.Scalar(0.0), name: "x");
        var act = () => Minimizer.Minimize(() => x.Value.Square(), [x], new MinimizeOptions(Optimizers.Sgd(0.1)) { ConvergenceTolerance = tolerance });
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.Message.Contains("ConvergenceTolerance") && Equals(e.ActualValue, tolerance));
    }

    [Fact]
    public void AZeroLengthParameterIsLegal()
    {
        // f(x) = (x - 2)², minimum x = 2 (analytic); an empty parameter rides along with an empty gradient.
        var x = new Parameter(Tensor.Scalar(0.0), name: "x");
        var empty = new Parameter(Tensor.Zeros(0), name: "empty");
        var trace = Minimizer.Minimize(() => (x.Value - 2.0).Square() + empty.Value.Sum(), [x, empty], new MinimizeOptions(Optimizers.Adam(0.1)) { MaxSteps = 300 });
        trace.SkippedSteps.Should().Be(0);
        x.ToScalar().Should().BeApproximately(2.0, 0.01);
        empty.ToArray().Should().BeEmpty();
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void AssigningANonFiniteValueIsRejected(double value)
    {
        var x = new Parameter(Tensor.Vector(1.0, 2.0), name: "x");
        var act = () => x.Assign(Tensor.Vector(0.5, value));
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "value" && e.Message.Contains("'x'") && e.Message.Contains("element 1"));
        x.ToArray().Should().Equal(1.0, 2.0);
    }

    [Fact]
    public void AssigningOutsideTheConstraintIsRejected()
    {
        var scale = new Parameter(Tensor.Scalar(1.0), new SoftplusBijector(), "scale");
        var act = () => scale.Assign(Tensor.Scalar(-1.0));
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "value" && e.Message.Contains("'scale'"));
    }

    [Fact]
    public void ALossThatIgnoresTheParametersStopsWithAClearError()
    {
        var x = new Parameter(Tensor.Scalar(0.0), name: "x");
        var act = () => Minimizer.Minimize(() => Tensor.Scalar(Math.Pow(x.ToScalar() - 1, 2)), [x], new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 10 });
        act.Should().Throw<InvalidOperationException>().WithMessage("*does not depend on any of the parameters*'x'*");
    }

    [Fact]
    public void MinimizingInsideANoGradScopeIsAnErrorNotASilentNoOp()
    {
        var x = new Parameter(Tensor.Scalar(0.0), name: "x");
        using var scope = Tensor.NoGrad();
        var act = () => Minimizer.Minimize(() => (x.Value - 1.0).Square(), [x], new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 10 });
        act.Should().Throw<InvalidOperationException>().WithMessage("*NoGrad*");
    }

    [Fact]
    public void TensorsReadBeforeAStepNeverChange()
    {
        var x = new Parameter(Tensor.Vector(0.0, 0.0), name: "x");
        var value = x.Value;
        var detached = x.Unconstrained.Detach();
        var trace = Minimizer.Minimize(() => (x.Value - 3.0).Square().Sum(), [x], new MinimizeOptions(Optimizers.Sgd(0.1)) { MaxSteps = 5 });
        value.ToArray().Should().Equal(0.0, 0.0);
        detached.ToArray().Should().Equal(0.0, 0.0);

        // SGD on (x - 3)² from 0 with η = 0.1: x_{k+1} = x_k - 0.2 (x_k - 3), so x_5 = 3 (1 - 0.8⁵) (worked by hand).
        x.ToArray().Should().AllSatisfy(v => v.Should().BeApproximately(3 * (1 - Math.Pow(0.8, 5)), 1e-12));
        trace.Snapshots[0].Values[0].Should().Equal(0.0, 0.0);
    }
}
