using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;
using static KlDivergence.Tests.Distributions.DistributionTestHelpers;

namespace KlDivergence.Tests.Distributions;

public class MultivariateNormalDiagTests
{
    private static MultivariateNormalDiag Batch() =>
        new(Tensor.Matrix(new[,] { { 1.0, -2.0, 0.5 }, { 0.0, 3.0, -1.0 } }), Tensor.Vector(0.5, 2.0, 1.3));

    [Fact]
    public void ShapesOfEveryResult()
    {
        var d = Batch();
        d.BatchShape.Should().Equal(2);
        d.EventShape.Should().Equal(3);
        d.Sample(4, new RandomStream(1)).Shape.Should().Equal(4, 2, 3);
        d.LogProb(Tensor.Zeros(5, 1, 3)).Shape.Should().Equal(5, 2);
        d.Mean.Shape.Should().Equal(2, 3);
        d.Variance.Shape.Should().Equal(2, 3);
        d.Entropy().Shape.Should().Equal(2);
        d.ScaleTril.Shape.Should().Equal(2, 3, 3);
        d.CovarianceMatrix.Shape.Should().Equal(2, 3, 3);
    }

    [Fact]
    public void AgreesWithFullMultivariateNormal()
    {
        var d = Batch();
        var full = MultivariateNormal.FromScaleTril(d.Loc, d.ScaleTril);
        var x = Tensor.FromArray(GradCheck.RandomValues(24, 4, -3, 3), [4, 2, 3]);
        d.LogProb(x).ToArray().Should().Equal(full.LogProb(x).ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        d.Entropy().ToArray().Should().Equal(full.Entropy().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        d.CovarianceMatrix.ToArray().Should().Equal(full.CovarianceMatrix.ToArray(), (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void LogProbAndItsGradientsMatchTheFormulaWorkedPerCoordinate()
    {
        // 100 samples of a 2-D surrogate (the ELBO's shape): log p = Σᵢ [-½((xᵢ - μᵢ)/σᵢ)² - log σᵢ - ½ log 2π], with
        // ∂/∂μᵢ = Σ over samples (xᵢ - μᵢ)/σᵢ² and ∂/∂σᵢ = Σ over samples ((xᵢ - μᵢ)²/σᵢ² - 1)/σᵢ, worked here.
        double[] mu = [0.4, -1.1], sigma = [0.8, 1.7];
        var xv = GradCheck.RandomValues(200, 9, -3, 3);
        var loc = Tensor.FromArray(mu, [2], requiresGrad: true);
        var scale = Tensor.FromArray(sigma, [2], requiresGrad: true);
        var logProb = new MultivariateNormalDiag(loc, scale).LogProb(Tensor.FromArray(xv, [100, 2]));
        logProb.Sum().Backward();
        double[] gMu = new double[2], gSigma = new double[2];
        for (int k = 0; k < 100; k++)
        {
            double expected = 0;
            for (int i = 0; i < 2; i++)
            {
                double z = (xv[(2 * k) + i] - mu[i]) / sigma[i];
                expected += (-0.5 * z * z) - Math.Log(sigma[i]) - (0.5 * Math.Log(2 * Math.PI));
                gMu[i] += z / sigma[i];
                gSigma[i] += ((z * z) - 1) / sigma[i];
            }

            logProb.Values[k].Should().BeApproximately(expected, 1e-13 * Math.Max(1, Math.Abs(expected)));
        }

        for (int i = 0; i < 2; i++)
        {
            loc.Grad!.Values[i].Should().BeApproximately(gMu[i], 1e-12 * Math.Max(1, Math.Abs(gMu[i])));
            scale.Grad!.Values[i].Should().BeApproximately(gSigma[i], 1e-12 * Math.Max(1, Math.Abs(gSigma[i])));
        }
    }

    [Fact]
    public void SampleMomentsMatchMeanVarianceAndCovariance()
    {
        var d = Batch();
        var x = d.Sample(SampleCount, new RandomStream(21));
        CheckMeanAndVariance(x, d.Mean, d.Variance, NormalFourth(d.Variance));
        CheckGaussianCovariance(x, d.Covariance);
    }

    [Fact]
    public void GradientsOfLogProbAndEntropyMatchFiniteDifferences()
    {
        double[] loc = [0.3, -0.2, 1.0], scale = [0.7, 1.5, 0.4], x = [0.5, 0.1, -1.0, 1.0, 2.0, 0.0];
        GradCheck.Check(t => GradCheck.Project(new MultivariateNormalDiag(t[0], t[1]).LogProb(t[2])), [loc, scale, x], [[3], [3], [2, 3]]);
        GradCheck.Check(t => new MultivariateNormalDiag(loc, t[0]).Entropy(), [scale], [[3]]);
    }

    [Fact]
    public void InvalidParametersAreRejected()
    {
        var scale = () => new MultivariateNormalDiag(Tensor.Vector(0.0, 0.0), Tensor.Vector(1.0, 0.0));
        scale.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "scaleDiag")
            .WithMessage("MultivariateNormalDiag: scaleDiag must be positive and finite, got 0*");
        var loc = () => new MultivariateNormalDiag(Tensor.Vector(double.PositiveInfinity, 0.0), Tensor.Vector(1.0, 1.0));
        loc.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "loc");
        var shape = () => new MultivariateNormalDiag(Tensor.Zeros(3), Tensor.Ones(2));
        shape.Should().Throw<ArgumentException>().Where(e => e.ParamName == "scaleDiag").WithMessage("*do not broadcast*");
        var scalar = () => new MultivariateNormalDiag(0.0, 1.0);
        scalar.Should().Throw<ArgumentException>().Where(e => e.ParamName == "loc").WithMessage("*[..., d]*");
    }
}
