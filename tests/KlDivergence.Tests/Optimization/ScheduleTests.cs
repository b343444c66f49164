using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

public class ScheduleTests
{
    [Fact]
    public void ConstantIsConstant()
    {
        var s = Schedules.Constant(0.3);
        s.LearningRate(0).Should().Be(0.3);
        s.LearningRate(1_000_000).Should().Be(0.3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(25)]
    public void ExponentialDecayMatchesFormula(long t)
    {
        // η(t) = η₀ r^(t/T) and, staircase, η₀ r^⌊t/T⌋ with η₀ = 0.5, r = 0.1, T = 10.
        Schedules.ExponentialDecay(0.5, 0.1, 10).LearningRate(t).Should().BeApproximately(0.5 * Math.Pow(0.1, t / 10.0), 1e-15);
        Schedules.ExponentialDecay(0.5, 0.1, 10, staircase: true).LearningRate(t).Should().BeApproximately(0.5 * Math.Pow(0.1, Math.Floor(t / 10.0)), 1e-15);
    }

    [Fact]
    public void ExponentialDecayKnownValues()
    {
        var s = Schedules.ExponentialDecay(1.0, 0.5, 2);
        s.LearningRate(2).Should().BeApproximately(0.5, 1e-15);
        s.LearningRate(1).Should().BeApproximately(Math.Sqrt(0.5), 1e-15);
        Schedules.ExponentialDecay(1.0, 0.5, 2, staircase: true).LearningRate(3).Should().BeApproximately(0.5, 1e-15);
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(25, 0.0)]
    [InlineData(50, 0.2)]
    [InlineData(100, 0.2)]
    [InlineData(150, 0.2)]
    public void CosineDecayMatchesFormula(long t, double alpha)
    {
        // η(t) = η₀ ((1 − α) ½ (1 + cos(π min(t, T)/T)) + α), η₀ = 2, T = 100.
        double expected = 2.0 * (((1 - alpha) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(t, 100) / 100.0))) + alpha);
        Schedules.CosineDecay(2.0, 100, alpha).LearningRate(t).Should().BeApproximately(expected, 1e-15);
    }

    [Fact]
    public void CosineDecayKnownValues()
    {
        var s = Schedules.CosineDecay(2.0, 100, 0.1);
        s.LearningRate(0).Should().BeApproximately(2.0, 1e-15);
        s.LearningRate(50).Should().BeApproximately(2.0 * 0.55, 1e-15); // halfway: η₀ (1 + α)/2
        s.LearningRate(100).Should().BeApproximately(0.2, 1e-15);
        s.LearningRate(1000).Should().BeApproximately(0.2, 1e-15);
    }

    [Fact]
    public void FunctionScheduleRejectsBadValues()
    {
        Schedules.FromFunction(t => 1.0 / (t + 1)).LearningRate(3).Should().Be(0.25);
        var bad = Schedules.FromFunction(t => t == 2 ? double.NaN : 1.0);
        bad.Invoking(s => s.LearningRate(2)).Should().Throw<InvalidOperationException>();
        Schedules.FromFunction(_ => -1.0).Invoking(s => s.LearningRate(0)).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void ScaleByLearningRateEvaluatesScheduleAtZeroBasedCount()
    {
        var scale = new ScaleByLearningRate(Schedules.FromFunction(t => t + 1.0));
        double[][] theta = [[0.0]];
        var state = scale.Init(theta);
        for (int t = 0; t < 3; t++)
        {
            double[][] u = [[2.0]];
            scale.Update(u, state, theta);
            u[0][0].Should().Be(-2.0 * (t + 1));
        }
    }
}
