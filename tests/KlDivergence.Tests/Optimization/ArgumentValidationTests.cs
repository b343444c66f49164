using KlDivergence.Optimization;

namespace KlDivergence.Tests.Optimization;

public class ArgumentValidationTests
{
    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NegativeOrNonFiniteLearningRateThrows(double lr)
    {
        FluentActions.Invoking(() => Optimizers.Sgd(lr)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("learningRate");
        FluentActions.Invoking(() => Optimizers.Adam(lr)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("learningRate");
        FluentActions.Invoking(() => Optimizers.AdamW(lr)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("learningRate");
        FluentActions.Invoking(() => Optimizers.RmsProp(lr)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("learningRate");
        FluentActions.Invoking(() => new ScaleByLearningRate(lr)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("learningRate");
    }

    [Fact]
    public void ExceptionMessageNamesTheValue()
    {
        FluentActions.Invoking(() => Optimizers.Adam(0.1, beta1: 1.5)).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "beta1" && e.Message.Contains("1.5") && Equals(e.ActualValue, 1.5));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void BetasOutsideUnitIntervalThrow(double beta)
    {
        FluentActions.Invoking(() => Optimizers.Adam(0.1, beta1: beta)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("beta1");
        FluentActions.Invoking(() => Optimizers.Adam(0.1, beta2: beta)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("beta2");
        FluentActions.Invoking(() => Optimizers.AdamW(0.1, beta2: beta)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("beta2");
        FluentActions.Invoking(() => Optimizers.Sgd(0.1, momentum: beta)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("momentum");
        FluentActions.Invoking(() => Optimizers.RmsProp(0.1, decay: beta)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("decay");
        FluentActions.Invoking(() => Optimizers.RmsProp(0.1, momentum: beta)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("momentum");
        FluentActions.Invoking(() => new Trace(beta)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("momentum");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-8)]
    [InlineData(double.PositiveInfinity)]
    public void NonPositiveEpsilonThrows(double eps)
    {
        FluentActions.Invoking(() => Optimizers.Adam(0.1, epsilon: eps)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("epsilon");
        FluentActions.Invoking(() => Optimizers.RmsProp(0.1, epsilon: eps)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("epsilon");
    }

    [Fact]
    public void OtherHyperparametersAreChecked()
    {
        FluentActions.Invoking(() => Optimizers.Sgd(0.1, weightDecay: -1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("weightDecay");
        FluentActions.Invoking(() => Optimizers.AdamW(0.1, weightDecay: -1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("weightDecay");
        FluentActions.Invoking(() => Optimizers.RmsProp(0.1, weightDecay: double.NaN)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("weightDecay");
        FluentActions.Invoking(() => Optimizers.Sgd(0.1, nesterov: true)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("nesterov");
        FluentActions.Invoking(() => Optimizers.Sgd((ILearningRateSchedule)null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("schedule");
        FluentActions.Invoking(() => new ClipByGlobalNorm(0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("maxNorm");
        FluentActions.Invoking(() => new ClipByValue(-1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("maxMagnitude");
        FluentActions.Invoking(() => new ClipByValue(1, 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("max");
        FluentActions.Invoking(() => new ClipByValue(double.NegativeInfinity, 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("min");
        FluentActions.Invoking(() => new Chain(new ClipByValue(1), null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("transformations");
    }

    [Fact]
    public void ScheduleArgumentsAreChecked()
    {
        FluentActions.Invoking(() => Schedules.Constant(-1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("learningRate");
        FluentActions.Invoking(() => Schedules.ExponentialDecay(-1, 0.5, 10)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("initialLearningRate");
        FluentActions.Invoking(() => Schedules.ExponentialDecay(1, 0, 10)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("decayRate");
        FluentActions.Invoking(() => Schedules.ExponentialDecay(1, 0.5, 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("decaySteps");
        FluentActions.Invoking(() => Schedules.CosineDecay(1, -5)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("decaySteps");
        FluentActions.Invoking(() => Schedules.CosineDecay(1, 10, 1.5)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("alpha");
        FluentActions.Invoking(() => Schedules.Constant(1).LearningRate(-1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("step");
        FluentActions.Invoking(() => Schedules.FromFunction(null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("function");
    }

    [Fact]
    public void MismatchedBuffersAndStatesThrow()
    {
        var adam = Optimizers.Adam(0.1);
        var state = adam.Init([[1.0, 2.0]]);
        FluentActions.Invoking(() => adam.Update([[1.0, 2.0, 3.0]], state, [[1.0, 2.0, 3.0]])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("updates");
        FluentActions.Invoking(() => adam.Update([[1.0, 2.0], [1.0]], state, [[1.0, 2.0], [1.0]])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("updates");
        FluentActions.Invoking(() => adam.Update([[1.0, 2.0]], EmptyState.Instance, [[1.0, 2.0]])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("state");
        FluentActions.Invoking(() => new ScaleByAdam(amsgrad: true).Update([[1.0]], new ScaleByAdam().Init([[1.0]]), [[1.0]])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("state");
        FluentActions.Invoking(() => new AddDecayedWeights(0.1).Update([[1.0]], EmptyState.Instance, [[1.0, 2.0]])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("updates");
        FluentActions.Invoking(() => Updates.Apply([[1.0]], [[1.0], [2.0]])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("updates");
        FluentActions.Invoking(() => adam.Init(null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("parameters");
        FluentActions.Invoking(() => new ScaleByAdam().Init([null!])).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("parameters");
    }
}
