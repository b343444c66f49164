using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Bijectors;

public class SoftClipBijectorTests
{
    // Values from TFP's SoftClip documentation (computed there in float32, hence the 1e-5 tolerance):
    // https://www.tensorflow.org/probability/api_docs/python/tfp/bijectors/SoftClip
    // The hinge-softness 0.1 and 10 examples there are printed with "low=-5, high=5" but their outputs (e.g. -6.1985435,
    // 7.1750355) lie outside [-5, 5]; they are reproduced exactly by low = -10, high = 10, which is what is tested.
    [Theory]
    [InlineData(-10.0, 10.0, 1.0, new[] { -15.0, -7.0, 1.0, 9.0, 20.0 }, new[] { -9.993284, -6.951412, 0.9998932, 8.686738, 9.999954 })]
    [InlineData(-10.0, 10.0, 0.1, new[] { -15.0, -7.0, 1.0, 9.0, 20.0 }, new[] { -10.0, -7.0, 1.0, 8.999995, 10.0 })]
    [InlineData(-10.0, 10.0, 10.0, new[] { -15.0, -7.0, 1.0, 9.0, 20.0 }, new[] { -6.1985435, -3.369276, 0.16719627, 3.6655345, 7.1750355 })]
    public void MatchesTensorFlowProbabilitysFormula(double low, double high, double softness, double[] x, double[] expected)
    {
        var y = new SoftClipBijector(low, high, softness).Forward(x).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            y[i].Should().BeApproximately(expected[i], 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"x = {x[i]}");
        }
    }

    [Fact]
    public void DocumentedAsymmetryExample()
    {
        // TFP: SoftClip(-1, 1).forward([-0.5, 0.5]) => [-0.2527727, 0.19739306].
        var y = new SoftClipBijector(-1, 1).Forward(new[] { -0.5, 0.5 }).ToArray();
        y[0].Should().BeApproximately(-0.2527727, 1e-6);
        y[1].Should().BeApproximately(0.19739306, 1e-6);
    }

    [Theory]
    [InlineData(-2.0, 3.0, 1.0)]
    [InlineData(0.0, 1.0, 0.1)]
    [InlineData(-10.0, 10.0, 2.0)]
    [InlineData(1e-3, 2e-3, 1e-4)]
    public void OutputsStayInTheIntervalForHugeInputs(double low, double high, double softness)
    {
        var b = new SoftClipBijector(low, high, softness);
        double[] x = [.. GradCheck.RandomValues(200, 11, -1e3, 1e3), -1e3, 1e3, -1e300, 1e300, 0];
        var y = b.Forward(x).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            // Closed interval: once the exponentials underflow the output equals the bound (as TFP documents).
            y[i].Should().BeInRange(low, high, $"x = {x[i]}");
            double.IsFinite(b.ForwardLogDetJacobian(Tensor.Scalar(x[i])).ToScalar()).Should().BeTrue();
        }

        // Strictly inside for moderate inputs, where the distance to the bound is representable.
        var inner = b.Forward(GradCheck.RandomValues(100, 12, low - (5 * softness), high + (5 * softness))).ToArray();
        inner.Should().OnlyContain(v => v > low && v < high);
    }

    [Fact]
    public void IsNearlyTheIdentityWellInsideTheInterval()
    {
        var b = new SoftClipBijector(-100, 100);
        double[] x = GradCheck.RandomValues(50, 13, -80, 80);
        var y = b.Forward(x).ToArray();
        var ldj = b.ForwardLogDetJacobian(x).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            y[i].Should().BeApproximately(x[i], 1e-8);
            ldj[i].Should().BeApproximately(0, 1e-8);
        }
    }

    [Fact]
    public void IsIncreasing()
    {
        var b = new SoftClipBijector(-1, 2, 0.5);
        var y = b.Forward(Enumerable.Range(0, 200).Select(i => -5 + (i * 0.05)).ToArray()).ToArray();
        for (int i = 1; i < y.Length; i++)
        {
            y[i].Should().BeGreaterThan(y[i - 1]);
        }
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(2.0, -3.0)]
    public void LowNotBelowHighThrowsNamingBoth(double low, double high)
    {
        var act = () => new SoftClipBijector(low, high);
        act.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"*low = {low.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, high = {high.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}*");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void NonPositiveSoftnessThrows(double softness)
    {
        var act = () => new SoftClipBijector(0, 1, softness);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("hingeSoftness");
    }

    [Fact]
    public void NonFiniteBoundThrows()
    {
        var act = () => new SoftClipBijector(double.NegativeInfinity, 1);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("low");
    }

    [Theory]
    [InlineData(-2.0)]
    [InlineData(3.0)]
    [InlineData(-7.5)]
    [InlineData(12.0)]
    public void InverseOutsideTheIntervalThrowsNamingTheValue(double bad)
    {
        var b = new SoftClipBijector(-2, 3);
        var act = () => b.Inverse(new[] { 0.0, bad });
        var e = act.Should().Throw<ArgumentOutOfRangeException>().Which;
        e.ActualValue.Should().Be(bad);
        e.Message.Should().Contain($"y[1] = {bad.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}").And.Contain("low = -2").And.Contain("high = 3");
    }
}
