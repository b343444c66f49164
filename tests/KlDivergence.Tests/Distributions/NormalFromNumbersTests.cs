using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Distributions;

/// <summary>
/// A normal built from two numbers keeps them as numbers (its tensors are made only when asked for): it must be the
/// same law, bit for bit, as the one built from two scalar tensors, and refuse the same parameters.
/// </summary>
public class NormalFromNumbersTests
{
    [Fact]
    public void ItIsTheSameLawAsTheNormalBuiltFromScalarTensors()
    {
        var numbers = new Normal(0.7, 1.9);
        var tensors = new Normal(Tensor.Scalar(0.7), Tensor.Scalar(1.9));
        var x = Tensor.Vector(-3.0, 0.0, 0.7, 2.5, 40.0);
        numbers.LogProb(x).ToArray().Should().Equal(tensors.LogProb(x).ToArray());
        numbers.Cdf(x).ToArray().Should().Equal(tensors.Cdf(x).ToArray());
        numbers.Entropy().ToScalar().Should().Be(tensors.Entropy().ToScalar());
        numbers.Mean.ToScalar().Should().Be(0.7);
        numbers.Variance.ToScalar().Should().Be(1.9 * 1.9);
        numbers.BatchShape.Should().BeEmpty();
        numbers.Loc.Shape.Should().BeEmpty();
        numbers.Sample(50, new RandomStream(3)).ToArray().Should().Equal(tensors.Sample(50, new RandomStream(3)).ToArray());
        ReferenceEquals(numbers.Loc, numbers.Loc).Should().BeTrue("the tensor is made once");
    }

    [Fact]
    public void TheKlFromNumbersIsTheKernelValueWhicheverWayEachSideIsBuilt()
    {
        // ½((μ₁ - μ₂)/σ₂)² + ½(σ₁/σ₂)² - ½ - log(σ₁/σ₂) = 1/32 + 1/8 - ½ + log 2 for N(0, 2) ‖ N(1, 4).
        double expected = (1.0 / 32) + (1.0 / 8) - 0.5 + Math.Log(2);
        double fromNumbers = Kl.Divergence(new Normal(0, 2), new Normal(1, 4)).ToScalar();
        fromNumbers.Should().BeApproximately(expected, 1e-15);
        Kl.Exact(new Normal(Tensor.Scalar(0), Tensor.Scalar(2)), new Normal(Tensor.Scalar(1), Tensor.Scalar(4))).ToScalar().Should().Be(fromNumbers);
        Kl.Exact(new Normal(0, 2), new Normal(Tensor.Scalar(1), Tensor.Scalar(4))).ToScalar().Should().Be(fromNumbers);
        Kl.Exact(new Normal(Tensor.Vector(0.0, 0.0), Tensor.Vector(2.0, 2.0)), new Normal(1, 4)).ToArray().Should().Equal(fromNumbers, fromNumbers);

        var loc = Tensor.Scalar(0, requiresGrad: true);
        var tracked = Kl.Exact(new Normal(loc, Tensor.Scalar(2)), new Normal(1, 4));
        tracked.ToScalar().Should().Be(fromNumbers);
        tracked.Backward();
        loc.Grad!.ToScalar().Should().Be((0 - 1) / 16.0, "∂KL/∂μ₁ = (μ₁ - μ₂)/σ₂²");
    }

    [Theory]
    [InlineData(double.NaN, 1.0, "loc")]
    [InlineData(double.PositiveInfinity, 1.0, "loc")]
    [InlineData(0.0, 0.0, "scale")]
    [InlineData(0.0, -1.0, "scale")]
    [InlineData(0.0, double.PositiveInfinity, "scale")]
    [InlineData(0.0, double.NaN, "scale")]
    public void BadNumbersAreRefusedNamingTheParameterAsForTensors(double loc, double scale, string parameter)
    {
        var fromNumbers = () => new Normal(loc, scale);
        var fromTensors = () => new Normal(Tensor.Scalar(loc), Tensor.Scalar(scale));
        var expected = fromTensors.Should().Throw<ArgumentOutOfRangeException>().Which;
        fromNumbers.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == parameter && e.Message == expected.Message);
    }
}
