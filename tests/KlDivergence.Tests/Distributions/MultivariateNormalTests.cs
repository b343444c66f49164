using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;
using static KlDivergence.Tests.Distributions.DistributionTestHelpers;

namespace KlDivergence.Tests.Distributions;

public class MultivariateNormalTests
{
    private static readonly double[,] Cov2 = { { 2.0, 0.6 }, { 0.6, 1.0 } };
    private static readonly double[,] Cov3 = { { 4.0, 2.0, 0.0 }, { 2.0, 3.0, 1.0 }, { 0.0, 1.0, 2.0 } };

    [Fact]
    public void LogProbMatchesHandComputed2DFormula()
    {
        var mvn = MultivariateNormal.FromCovariance(Tensor.Vector(1.0, -1.0), Tensor.Matrix(Cov2));

        // det Σ = 2·1 - 0.6² = 1.64; Σ⁻¹ = (1/1.64) [[1, -0.6], [-0.6, 2]].
        double[][] points = [[0.0, 0.0], [1.0, -1.0], [2.5, 0.3], [-3.0, 4.0]];
        foreach (var p in points)
        {
            double a = p[0] - 1.0, b = p[1] + 1.0;
            double q = ((a * a) - (1.2 * a * b) + (2 * b * b)) / 1.64;
            double expected = (-0.5 * q) - (0.5 * Math.Log(1.64)) - Math.Log(2 * Math.PI);
            mvn.LogProb(Tensor.Vector(p)).ToScalar().Should().BeApproximately(expected, 1e-12);
        }
    }

    [Fact]
    public void LogProbMatchesExplicitFormulaIn3DForEveryConstructor()
    {
        var loc = Tensor.Vector(0.5, -1.0, 2.0);
        var sigma = Matrix<double>.Build.DenseOfArray(Cov3);
        var inverse = sigma.Inverse();
        double det = sigma.Determinant();
        det.Should().BeApproximately(12.0, 1e-12); // 4(3·2 - 1·1) - 2(2·2 - 1·0) + 0·(…) = 12

        var fromCov = MultivariateNormal.FromCovariance(loc, Tensor.Matrix(Cov3));
        var fromTril = MultivariateNormal.FromScaleTril(loc, fromCov.ScaleTril);
        var fromPrec = MultivariateNormal.FromPrecision(loc, Tensor.Matrix(inverse.ToArray()));
        var x = Tensor.Matrix(new[,] { { 0.0, 0.0, 0.0 }, { 1.0, 2.0, 3.0 }, { -2.0, 0.5, 1.0 } });
        for (int i = 0; i < 3; i++)
        {
            var diff = Vector<double>.Build.Dense([x[i, 0] - 0.5, x[i, 1] + 1.0, x[i, 2] - 2.0]);
            double expected = (-0.5 * (diff * inverse * diff)) - (0.5 * Math.Log(det)) - (1.5 * Math.Log(2 * Math.PI));
            foreach (var d in new[] { fromCov, fromTril, fromPrec })
            {
                d.LogProb(x)[i].Should().BeApproximately(expected, 1e-10);
            }
        }

        fromPrec.ScaleTril.ToArray().Should().Equal(fromCov.ScaleTril.ToArray(), (p, q) => Math.Abs(p - q) < 1e-12);
        fromPrec.CovarianceMatrix.ToArray().Should().Equal(Tensor.Matrix(Cov3).ToArray(), (p, q) => Math.Abs(p - q) < 1e-12);
        fromCov.PrecisionMatrix.ToArray().Should().Equal(inverse.ToRowMajorArray(), (p, q) => Math.Abs(p - q) < 1e-12);
        fromTril.CovarianceMatrix.ToArray().Should().Equal(Tensor.Matrix(Cov3).ToArray(), (p, q) => Math.Abs(p - q) < 1e-12);
    }

    [Fact]
    public void EntropyMatchesAnalyticFormulaFromDeterminant()
    {
        foreach (var cov in new[] { Cov2, Cov3 })
        {
            int d = cov.GetLength(0);
            double det = Matrix<double>.Build.DenseOfArray(cov).Determinant();
            double expected = 0.5 * ((d * (1 + Math.Log(2 * Math.PI))) + Math.Log(det));
            var mvn = MultivariateNormal.FromCovariance(Tensor.Zeros(d), Tensor.Matrix(cov));
            mvn.Entropy().ToScalar().Should().BeApproximately(expected, 1e-12);
        }
    }

    [Fact]
    public void SampleMomentsMatchMeanVarianceAndCovariance()
    {
        var loc = Tensor.Matrix(new[,] { { 1.0, -2.0, 0.5 }, { 0.0, 3.0, -1.0 } });
        var covs = ShapeOps.Stack(0, Tensor.Matrix(Cov3), Tensor.Matrix(new[,] { { 1.0, -0.3, 0.2 }, { -0.3, 0.5, 0.0 }, { 0.2, 0.0, 2.0 } }));
        var mvn = MultivariateNormal.FromCovariance(loc, covs);
        var x = mvn.Sample(SampleCount, new RandomStream(5));
        x.Shape.Should().Equal(SampleCount, 2, 3);
        CheckMeanAndVariance(x, mvn.Mean, mvn.Variance, NormalFourth(mvn.Variance));
        CheckGaussianCovariance(x, mvn.Covariance);
    }

    [Fact]
    public void ShapesBroadcastLocAndMatrixBatches()
    {
        var loc = Tensor.Zeros(4, 1, 2);
        var scale = Tensor.Matrix(new[,] { { 1.0, 0.0 }, { 0.5, 2.0 } }).Unsqueeze(0).BroadcastTo(3, 2, 2);
        var mvn = MultivariateNormal.FromScaleTril(loc, scale);
        mvn.BatchShape.Should().Equal(4, 3);
        mvn.EventShape.Should().Equal(2);
        mvn.Mean.Shape.Should().Equal(4, 3, 2);
        mvn.Variance.Shape.Should().Equal(4, 3, 2);
        mvn.Covariance.Shape.Should().Equal(4, 3, 2, 2);
        mvn.Entropy().Shape.Should().Equal(4, 3);
        mvn.Sample(5, new RandomStream(2)).Shape.Should().Equal(5, 4, 3, 2);
        mvn.ReparameterizedSample(5, new RandomStream(2)).Shape.Should().Equal(5, 4, 3, 2);
        mvn.LogProb(Tensor.Zeros(6, 1, 1, 2)).Shape.Should().Equal(6, 4, 3);
        mvn.LogProb(Tensor.Zeros(2)).Shape.Should().Equal(4, 3);

        var single = MultivariateNormal.FromCovariance(Tensor.Zeros(2), Tensor.Matrix(Cov2));
        single.BatchShape.Should().BeEmpty();
        single.LogProb(Tensor.Zeros(7, 5, 2)).Shape.Should().Equal(7, 5);
        single.Sample(3, new RandomStream(1)).Shape.Should().Equal(3, 2);
        single.Entropy().Shape.Should().BeEmpty();
    }

    [Fact]
    public void BatchedFactorGivesSameLogProbAsSingleFactor()
    {
        var single = MultivariateNormal.FromCovariance(Tensor.Vector(1.0, 2.0), Tensor.Matrix(Cov2));
        var batched = MultivariateNormal.FromCovariance(Tensor.Vector(1.0, 2.0), Tensor.Matrix(Cov2).Unsqueeze(0).BroadcastTo(3, 2, 2));
        var x = Tensor.FromArray(GradCheck.RandomValues(6, 3), [3, 2]);
        batched.LogProb(x).ToArray().Should().Equal(single.LogProb(x).ToArray(), (p, q) => Math.Abs(p - q) < 1e-13);
    }

    [Fact]
    public void SamplesAreLocPlusNoiseTimesTheTransposedFactorBitForBit()
    {
        // The fused μ + L ε must give exactly the values of the former reshape/transpose/matmul composition, so seeded
        // results (fits, estimates) do not move.
        var single = MultivariateNormal.FromCovariance(Tensor.Vector(0.5, -1.0, 2.0), Tensor.Matrix(Cov3));
        var eps = StandardNoise.Normal(new RandomStream(21), [50, 3]);
        var expected = single.Loc + eps.MatMul(single.ScaleTril.Transpose());
        single.Sample(50, new RandomStream(21)).Values.ToArray().Should().Equal(expected.Values.ToArray());
        single.ReparameterizedSample(50, new RandomStream(21)).Values.ToArray().Should().Equal(expected.Values.ToArray());

        var batched = MultivariateNormal.FromScaleTril(
            Tensor.Matrix(new[,] { { 0.5, 1.0 }, { -1.0, 0.2 } }), ShapeOps.Stack(0, Tensor.Matrix(new[,] { { 1.0, 0 }, { 0.3, 0.8 } }), Tensor.Matrix(new[,] { { 2.0, 0 }, { -0.4, 0.5 } })));
        var noise = StandardNoise.Normal(new RandomStream(22), [40, 2, 2]);
        var batchedExpected = batched.Loc + batched.ScaleTril.MatMul(noise.Unsqueeze(-1)).Squeeze(-1);
        batched.Sample(40, new RandomStream(22)).Values.ToArray().Should().Equal(batchedExpected.Values.ToArray());
    }

    [Fact]
    public void GradientsThroughScaleTril()
    {
        double[] loc = [0.3, -0.2, 1.0];
        double[] tril = [1.2, 0, 0, 0.4, 0.9, 0, -0.3, 0.2, 1.5];
        double[] x = [0.5, 0.1, -1.0, 1.0, 2.0, 0.0];
        GradCheck.Check(
            t => GradCheck.Project(MultivariateNormal.FromScaleTril(t[0], t[1].Tril()).LogProb(t[2])),
            [loc, tril, x], [[3], [3, 3], [2, 3]]);
        GradCheck.Check(t => MultivariateNormal.FromScaleTril(loc, t[0].Tril()).Entropy(), [tril], [[3, 3]]);
        GradCheck.Check(
            t => GradCheck.Project(MultivariateNormal.FromScaleTril(t[0], t[1].Tril()).ReparameterizedSample(4, new RandomStream(9))),
            [loc, tril], [[3], [3, 3]]);
    }

    [Fact]
    public void GradientsThroughCovarianceBuiltAsMMtPlusIdentity()
    {
        double[] loc = [0.3, -0.2, 1.0];
        double[] m = GradCheck.RandomValues(9, 17);
        double[] x = [0.5, 0.1, -1.0, 1.0, 2.0, 0.0];
        var eye = Tensor.Matrix(new[,] { { 1.0, 0, 0 }, { 0, 1.0, 0 }, { 0, 0, 1.0 } });
        Tensor Cov(Tensor t) => t.MatMul(t.Transpose()) + eye;
        GradCheck.Check(t => GradCheck.Project(MultivariateNormal.FromCovariance(t[0], Cov(t[1])).LogProb(t[2])), [loc, m, x], [[3], [3, 3], [2, 3]]);
        GradCheck.Check(t => MultivariateNormal.FromCovariance(loc, Cov(t[0])).Entropy(), [m], [[3, 3]]);
        GradCheck.Check(t => GradCheck.Project(MultivariateNormal.FromPrecision(t[0], Cov(t[1])).LogProb(t[2])), [loc, m, x], [[3], [3, 3], [2, 3]]);
        GradCheck.Check(t => GradCheck.Project(MultivariateNormal.FromCovariance(loc, Cov(t[0])).PrecisionMatrix), [m], [[3, 3]]);
    }

    [Fact]
    public void CachedMatricesComputedWithoutGradientsAreRecomputedWithThem()
    {
        var tril = Tensor.Matrix(new[,] { { 1.0, 0.0 }, { 0.5, 2.0 } }, requiresGrad: true);
        var mvn = MultivariateNormal.FromScaleTril(Tensor.Zeros(2), tril);
        using (Tensor.NoGrad())
        {
            _ = mvn.CovarianceMatrix;
        }

        mvn.CovarianceMatrix.Sum().Backward();
        tril.Grad.Should().NotBeNull();
        mvn.CovarianceMatrix.Should().BeSameAs(mvn.CovarianceMatrix);
    }

    [Fact]
    public void AsymmetricCovarianceIsRejected()
    {
        var act = () => MultivariateNormal.FromCovariance(Tensor.Zeros(2), Tensor.Matrix(new[,] { { 2.0, 0.6 }, { 0.6000001, 1.0 } }));
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "covarianceMatrix")
            .WithMessage("MultivariateNormal: covarianceMatrix must be symmetric, entries [0, 1] = 0.6 and [1, 0] = 0.6000001 differ*");

        var prec = () => MultivariateNormal.FromPrecision(Tensor.Zeros(2), Tensor.Matrix(new[,] { { 2.0, 0.5 }, { 0.6, 1.0 } }));
        prec.Should().Throw<ArgumentException>().Where(e => e.ParamName == "precisionMatrix").WithMessage("MultivariateNormal: precisionMatrix must be symmetric*");
        var nan = () => MultivariateNormal.FromCovariance(Tensor.Zeros(2), Tensor.Matrix(new[,] { { 2.0, double.NaN }, { double.NaN, 1.0 } }));
        nan.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "covarianceMatrix").WithMessage("MultivariateNormal: covarianceMatrix must be finite, got NaN*");
        var value = () => MultivariateNormal.FromCovariance(Tensor.Zeros(2), Tensor.Matrix(Cov2)).LogProb(Tensor.Zeros(3));
        value.Should().Throw<ArgumentException>().Where(e => e.ParamName == "value").WithMessage("*[3] does not end in the event dimension 2*");

        // Within the relative tolerance of 1e-10 it is accepted.
        _ = MultivariateNormal.FromCovariance(Tensor.Zeros(2), Tensor.Matrix(new[,] { { 2.0, 0.6 }, { 0.6 * (1 + 1e-12), 1.0 } }));
    }

    [Fact]
    public void NonPositiveDefiniteMatricesNameParameterAndPivot()
    {
        var act = () => MultivariateNormal.FromCovariance(Tensor.Zeros(2), Tensor.Matrix(new[,] { { 1.0, 2.0 }, { 2.0, 1.0 } }));
        act.Should().Throw<NotPositiveDefiniteException>().Where(e => e.ParamName == "covarianceMatrix" && e.Pivot == 1)
            .WithMessage("*pivot 1 is -3*");
        var prec = () => MultivariateNormal.FromPrecision(Tensor.Zeros(2), Tensor.Matrix(new[,] { { -1.0, 0.0 }, { 0.0, 1.0 } }));
        prec.Should().Throw<NotPositiveDefiniteException>().Where(e => e.ParamName == "precisionMatrix");
    }

    [Fact]
    public void InvalidScaleTrilIsRejected()
    {
        var negative = () => MultivariateNormal.FromScaleTril(Tensor.Zeros(2), Tensor.Matrix(new[,] { { 1.0, 0.0 }, { 0.5, -2.0 } }));
        negative.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "scaleTril")
            .WithMessage("MultivariateNormal: scaleTril must have a positive diagonal, entry [1, 1], got -2*");
        var upper = () => MultivariateNormal.FromScaleTril(Tensor.Zeros(2), Tensor.Matrix(new[,] { { 1.0, 0.25 }, { 0.5, 2.0 } }));
        upper.Should().Throw<ArgumentException>().Where(e => e.ParamName == "scaleTril")
            .WithMessage("MultivariateNormal: scaleTril must be lower triangular, entry [0, 1] is 0.25*");
    }

    [Fact]
    public void DimensionMismatchAndNonFiniteLocAreRejected()
    {
        var act = () => MultivariateNormal.FromCovariance(Tensor.Zeros(3), Tensor.Matrix(Cov2));
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "covarianceMatrix")
            .WithMessage("MultivariateNormal: covarianceMatrix must have shape [..., 3, 3] to match loc [3], got [2, 2]*");
        var batch = () => MultivariateNormal.FromScaleTril(Tensor.Zeros(2, 2), Tensor.Zeros(3, 2, 2) + Tensor.Matrix(new[,] { { 1.0, 0.0 }, { 0.0, 1.0 } }));
        batch.Should().Throw<ArgumentException>().Where(e => e.ParamName == "scaleTril").WithMessage("*do not broadcast*");
        var nan = () => MultivariateNormal.FromCovariance(Tensor.Vector(0.0, double.NaN), Tensor.Matrix(Cov2));
        nan.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "loc").WithMessage("MultivariateNormal: loc must be finite, got NaN*");
    }
}
