using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

public class SampleCountTests
{
    [Fact]
    public void TooManySamplesForOneTensorIsAClearErrorNamingTheCount()
    {
        // 2³⁰ draws of a batch of 4 is 2³² values, more than an array holds (the old code: "Destination is too short").
        var normal = new Normal(Tensor.Vector(0, 0, 0, 0), 1);
        var act = () => normal.Sample(1 << 30, new RandomStream(1));
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "count" && e.Message.Contains("1073741824") && e.Message.Contains("[4]"));
        FluentActions.Invoking(() => new Normal(Tensor.Vector(0, 0), 1).ReparameterizedSample(1 << 30, new RandomStream(1)))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "count");
    }
}
