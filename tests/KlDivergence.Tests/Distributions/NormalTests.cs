using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;
using static KlDivergence.Tests.Distributions.DistributionTestHelpers;

namespace KlDivergence.Tests.Distributions;

public class NormalTests
{
    private static Normal Batch() => new(Tensor.Vector(-1.5, 2.0, 0.0), Tensor.Vector(0.5, 2.0, 1.0));

    [Fact]
    public void ShapesOfEveryResult()
    {
        var d = Batch();
        d.BatchShape.Should().Equal(3);
        d.EventShape.Should().BeEmpty();
        d.Sample(7, new RandomStream(1)).Shape.Should().Equal(7, 3);
        d.LogProb(Tensor.Zeros(5, 3)).Shape.Should().Equal(5, 3);
        d.LogProb(Tensor.Zeros(5, 1)).Shape.Should().Equal(5, 3);
        d.Mean.Shape.Should().Equal(3);
        d.Variance.Shape.Should().Equal(3);
        d.Entropy().Shape.Should().Equal(3);
    }

    [Fact]
    public void SampleMomentsMatchMeanAndVariance()
    {
        var d = Batch();
        var x = d.Sample(SampleCount, new RandomStream(11));
        CheckMeanAndVariance(x, d.Mean, d.Variance, NormalFourth(d.Variance));
    }

    [Fact]
    public void DensityIntegratesToOneAndEntropyMatchesQuadrature()
    {
        var d = Batch();
        var mass = Simpson(x => d.Prob(x), -30, 30, 20_000, 3);
        mass.Should().AllSatisfy(m => m.Should().BeApproximately(1.0, 1e-9));
        var h = Simpson(x => EntropyIntegrand(d.LogProb(x)), -30, 30, 20_000, 3);
        var entropy = d.Entropy().ToArray();
        for (int j = 0; j < 3; j++)
        {
            h[j].Should().BeApproximately(entropy[j], 1e-8);
        }
    }

    [Fact]
    public void GradientsOfLogProbAndEntropyMatchFiniteDifferences()
    {
        double[] loc = [-1.5, 2.0, 0.3], scale = [0.5, 2.0, 1.2], x = [0.1, -0.7, 1.9];
        GradCheck.Check(t => GradCheck.Project(new Normal(t[0], t[1]).LogProb(t[2])), [loc, scale, x], [[3], [3], [3]]);
        GradCheck.Check(t => GradCheck.Project(new Normal(loc, t[0]).Entropy()), [scale], [[3]]);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(double.PositiveInfinity)]
    public void InvalidScaleIsRejectedWithItsNameAndValue(double scale)
    {
        var act = () => new Normal(0.0, scale);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "scale")
            .WithMessage($"Normal: scale must be positive and finite, got {scale.ToString(System.Globalization.CultureInfo.InvariantCulture)}*");
    }

    [Theory]
    [InlineData(0, double.NaN)]
    [InlineData(5, -0.0)]
    [InlineData(9, double.PositiveInfinity)]
    [InlineData(10, -3.0)]
    public void ABadScaleInsideALongVectorIsFoundAndNamed(int index, double bad)
    {
        // Eleven scales: the bad one inside the vectorised check (4 lanes at a time) or in its scalar tail.
        var scales = Enumerable.Repeat(1.5, 11).ToArray();
        scales[index] = bad;
        var act = () => new Normal(0.0, scales);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "scale")
            .WithMessage($"Normal: scale must be positive and finite, got {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)}*");
    }

    [Fact]
    public void UnbatchedSamplesWithoutAGraphAreTheLocationPlusScaleTimesTheStreamsNormals()
    {
        // 20 001 draws: about 240 of them leave the ziggurat's fast loop (wedges and tail), whose results are mapped apart.
        var x = new Normal(-2.5, 0.3).Sample(20_001, new RandomStream(5UL));
        var rng = new RandomStream(5UL);
        x.Shape.Should().Equal(20_001);
        for (int i = 0; i < 20_001; i++)
        {
            x.Values[i].Should().Be(-2.5 + (0.3 * rng.NextStandardNormal()));
        }
    }

    [Fact]
    public void NonFiniteLocIsRejected()
    {
        var act = () => new Normal(double.NaN, 1.0);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "loc").WithMessage("Normal: loc must be finite, got NaN*");
    }
}
