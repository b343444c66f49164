using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;
using static KlDivergence.Tests.Distributions.DistributionTestHelpers;

namespace KlDivergence.Tests.Distributions;

public class IndependentTests
{
    private static readonly double[,] Loc = { { 1.0, -2.0, 0.5 }, { 0.0, 3.0, -1.0 } };
    private static readonly double[,] Scale = { { 0.5, 2.0, 1.3 }, { 1.0, 0.2, 0.7 } };

    [Fact]
    public void MovesBatchDimensionsIntoTheEvent()
    {
        var normal = new Normal(Tensor.Matrix(Loc), Tensor.Matrix(Scale));
        var one = new Independent(normal, 1);
        one.BatchShape.Should().Equal(2);
        one.EventShape.Should().Equal(3);
        one.LogProb(Tensor.Zeros(5, 2, 3)).Shape.Should().Equal(5, 2);
        one.Entropy().Shape.Should().Equal(2);
        one.Sample(4, new RandomStream(1)).Shape.Should().Equal(4, 2, 3);
        one.Mean.Shape.Should().Equal(2, 3);
        one.Covariance.Shape.Should().Equal(2, 3, 3);
        one.HasReparameterizedSample.Should().BeTrue();

        var two = new Independent(normal, 2);
        two.BatchShape.Should().BeEmpty();
        two.EventShape.Should().Equal(2, 3);
        two.LogProb(Tensor.Zeros(5, 2, 3)).Shape.Should().Equal(5);
        two.Entropy().Shape.Should().BeEmpty();
        var cov = () => two.Covariance;
        cov.Should().Throw<NotSupportedException>();

        new Independent(normal, 0).LogProb(Tensor.Zeros(2, 3)).Shape.Should().Equal(2, 3);
        new Independent(new Categorical(Tensor.Vector(0.5, 0.5)), 0).HasReparameterizedSample.Should().BeFalse();
    }

    [Fact]
    public void MatchesDiagonalMultivariateNormal()
    {
        var ind = new Independent(new Normal(Tensor.Matrix(Loc), Tensor.Matrix(Scale)), 1);
        var diag = new MultivariateNormalDiag(Tensor.Matrix(Loc), Tensor.Matrix(Scale));
        var x = Tensor.FromArray(GradCheck.RandomValues(24, 8, -3, 3), [4, 2, 3]);
        ind.LogProb(x).ToArray().Should().Equal(diag.LogProb(x).ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        ind.Entropy().ToArray().Should().Equal(diag.Entropy().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void SampleMomentsMatchMeanAndVariance()
    {
        var ind = new Independent(new Normal(Tensor.Matrix(Loc), Tensor.Matrix(Scale)), 2);
        var x = ind.Sample(SampleCount, new RandomStream(4));
        CheckMeanAndVariance(x, ind.Mean, ind.Variance, NormalFourth(ind.Variance));
    }

    [Fact]
    public void GradientsOfLogProbEntropyAndSampleMatchFiniteDifferences()
    {
        double[] loc = [0.3, -0.2, 1.0, 0.0], scale = [0.7, 1.5, 0.4, 1.1], x = [0.5, 0.1, -1.0, 1.0];
        GradCheck.Check(t => GradCheck.Project(new Independent(new Normal(t[0], t[1]), 1).LogProb(t[2])), [loc, scale, x], [[2, 2], [2, 2], [2, 2]]);
        GradCheck.Check(t => GradCheck.Project(new Independent(new Normal(loc, t[0]), 1).Entropy()), [scale], [[4]]);
        GradCheck.Check(t => GradCheck.Project(new Independent(new Normal(t[0], t[1]), 1).ReparameterizedSample(3, new RandomStream(2))), [loc, scale], [[4], [4]]);
    }

    [Fact]
    public void InvalidCountIsRejected()
    {
        var normal = new Normal(Tensor.Matrix(Loc), Tensor.Matrix(Scale));
        var act = () => new Independent(normal, 3);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "reinterpretedBatchDims")
            .WithMessage("Independent: reinterpretedBatchDims must be between 0 and the base batch rank 2, got 3*");
        var negative = () => new Independent(normal, -1);
        negative.Should().Throw<ArgumentOutOfRangeException>();
    }
}
