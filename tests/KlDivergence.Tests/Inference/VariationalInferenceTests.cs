using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Inference;

public class VariationalInferenceTests
{
    // Bayesian linear regression y = θ₀ + θ₁ x + ε, ε ~ N(0, σ²) with σ known, prior θ ~ N(0, τ² I).
    private const double Noise = 0.5;
    private const double PriorScale = 2.0;

    [Fact]
    public void FullRankSurrogateRecoversTheExactConjugatePosterior()
    {
        var (x, y) = Data();
        var (mean, cov) = ExactPosterior(x, y);
        var surrogate = new FullRankNormal(2);
        var fit = VariationalInference.Fit(
            z => LogJoint(z, x, y), surrogate, new MinimizeOptions(Optimizers.Adam(0.02)) { MaxSteps = 3000 }, sampleCount: 200, seed: 1,
            gradient: ElboGradient.StickingTheLanding);

        // Sticking the landing has (nearly) zero gradient variance at the optimum, so the fit sits close to it;
        // the tolerance is a few posterior standard deviations times 1e-2.
        var q = (MultivariateNormal)fit.Posterior;
        var m = q.Loc.ToArray();
        var c = q.CovarianceMatrix.ToArray();
        for (int i = 0; i < 2; i++)
        {
            m[i].Should().BeApproximately(mean[i], 0.02 * Math.Sqrt(cov[i, i]));
            for (int j = 0; j < 2; j++)
            {
                c[(i * 2) + j].Should().BeApproximately(cov[i, j], 0.03 * Math.Sqrt(cov[i, i] * cov[j, j]));
            }
        }

        // The fitted posterior can be sampled.
        fit.Posterior.Sample(10, new RandomStream(1UL)).Shape.Should().Equal(10, 2);
    }

    [Fact]
    public void MeanFieldSurrogateRecoversThePosteriorMeanAndTheMeanFieldVariances()
    {
        var (x, y) = Data();
        var (mean, cov) = ExactPosterior(x, y);
        var precision = Matrix<double>.Build.DenseOfArray(cov).Inverse();
        var surrogate = new MeanFieldNormal(2);
        var fit = VariationalInference.Fit(
            z => LogJoint(z, x, y), surrogate, new MinimizeOptions(Optimizers.Adam(0.02)) { MaxSteps = 3000 }, sampleCount: 200, seed: 2,
            gradient: ElboGradient.StickingTheLanding);
        var q = (MultivariateNormalDiag)fit.Posterior;
        var m = q.Loc.ToArray();
        var v = q.Variance.ToArray();
        for (int i = 0; i < 2; i++)
        {
            double meanFieldVariance = 1 / precision[i, i];
            m[i].Should().BeApproximately(mean[i], 0.02 * Math.Sqrt(cov[i, i]));
            v[i].Should().BeApproximately(meanFieldVariance, 0.03 * meanFieldVariance);
        }
    }

    [Fact]
    public void TheElboEstimatorsAgreeInExpectationAndAnalyticKlMatchesTheDefinition()
    {
        // For q equal to the exact posterior, ELBO = log evidence for every estimator (and the STL and reparameterised terms are constant).
        var (x, y) = Data();
        var (mean, cov) = ExactPosterior(x, y);
        var surrogate = new FullRankNormal(2);
        var l = Matrix<double>.Build.DenseOfArray(cov).Cholesky().Factor;
        surrogate.Loc.Assign(Tensor.Vector(mean));
        surrogate.ScaleTril.Assign(Tensor.Matrix(l.ToArray()));
        double logEvidence = LogEvidence(x, y);
        foreach (var g in new[] { ElboGradient.Reparameterized, ElboGradient.AnalyticEntropy, ElboGradient.StickingTheLanding })
        {
            var e = Elbo.Estimate(z => LogJoint(z, x, y), surrogate, 2000, new RandomStream(3UL), g);
            e.Value.ToScalar().Should().BeApproximately(logEvidence, Math.Max(5 * e.StandardError, 1e-9), g.ToString());
        }

        var prior = new MultivariateNormalDiag(Tensor.Vector(0, 0), Tensor.Vector(PriorScale, PriorScale));
        var analytic = Elbo.Estimate(z => LogLikelihood(z, x, y), prior, surrogate, 2000, new RandomStream(4UL));
        analytic.Value.ToScalar().Should().BeApproximately(logEvidence, 5 * analytic.StandardError);
    }

    [Fact]
    public void ForwardKlFitToMixtureSamplesMatchesTheirMoments()
    {
        // Maximum likelihood of a full-covariance normal on samples: the optimum is the sample mean and the
        // (biased, 1/n) sample covariance, computed in the test.
        var mixture = new MixtureSameFamily(
            new Categorical(Tensor.Vector(0.8, 0.2)),
            MultivariateNormal.FromCovariance(
                Tensor.FromArray([-1, -1, 2, 2], [2, 2]),
                Tensor.FromArray([1, 0.3, 0.3, 0.5, 0.6, -0.2, -0.2, 1.2], [2, 2, 2])));
        var samples = mixture.Sample(4000, new RandomStream(8UL));
        var s = samples.ToArray();
        int n = 4000;
        double m0 = 0, m1 = 0;
        for (int i = 0; i < n; i++)
        {
            m0 += s[2 * i] / n;
            m1 += s[(2 * i) + 1] / n;
        }

        double c00 = 0, c01 = 0, c11 = 0;
        for (int i = 0; i < n; i++)
        {
            double a = s[2 * i] - m0, b = s[(2 * i) + 1] - m1;
            c00 += a * a / n;
            c01 += a * b / n;
            c11 += b * b / n;
        }

        var loc = new Parameter(Tensor.Vector(0, 0), name: "loc");
        var tril = new Parameter(Tensor.Matrix(new[,] { { 1.0, 0 }, { 0, 1.0 } }), new KlDivergence.Bijectors.FillScaleTriLBijector(), "scaleTril");
        KlFitting.MaximumLikelihood(samples, () => MultivariateNormal.FromScaleTril(loc, tril), [loc, tril], new MinimizeOptions(Optimizers.Adam(0.05)) { MaxSteps = 2000 });
        var fitted = MultivariateNormal.FromScaleTril(loc.ToArray(), Tensor.FromArray(tril.ToArray(), [2, 2]));
        fitted.Loc.ToArray().Should().Equal(new[] { m0, m1 }, (a, b) => Math.Abs(a - b) < 1e-4);
        fitted.CovarianceMatrix.ToArray().Should().Equal(new[] { c00, c01, c01, c11 }, (a, b) => Math.Abs(a - b) < 1e-4);

        // And the mixture's own mean (the population moment) lies within 5 standard errors of the fit.
        var mean = mixture.Mean.ToArray();
        Math.Abs(m0 - mean[0]).Should().BeLessThan(5 * Math.Sqrt(c00 / n));
        Math.Abs(m1 - mean[1]).Should().BeLessThan(5 * Math.Sqrt(c11 / n));
    }

    internal static (double[] X, double[] Y) Data()
    {
        var rng = new RandomStream(99UL);
        var x = new double[30];
        var y = new double[30];
        for (int i = 0; i < 30; i++)
        {
            x[i] = -2 + (4.0 * i / 29);
            y[i] = 0.7 - (1.3 * x[i]) + (Noise * rng.NextStandardNormal());
        }

        return (x, y);
    }

    private static Tensor LogLikelihood(Tensor z, double[] x, double[] y)
    {
        // z: [n, 2]; predictions [n, m] = θ₀ + θ₁ xⱼ.
        var theta0 = z.Narrow(1, 0, 1);
        var theta1 = z.Narrow(1, 1, 1);
        var pred = theta0 + (theta1 * Tensor.FromArray(x, [1, x.Length]));
        return new Normal(pred, Noise).LogProb(Tensor.FromArray(y, [1, y.Length])).Sum(1);
    }

    internal static Tensor LogJoint(Tensor z, double[] x, double[] y) =>
        LogLikelihood(z, x, y) + new Normal(0, PriorScale).LogProb(z).Sum(1);

    /// <summary>Posterior precision Λ = XᵀX/σ² + I/τ², mean Λ⁻¹Xᵀy/σ² (Bishop, PRML, eqs. 3.53-3.54).</summary>
    internal static (double[] Mean, double[,] Cov) ExactPosterior(double[] x, double[] y)
    {
        var design = Matrix<double>.Build.Dense(x.Length, 2, (i, j) => j == 0 ? 1 : x[i]);
        var precision = (design.Transpose() * design / (Noise * Noise)) + (Matrix<double>.Build.DenseIdentity(2) / (PriorScale * PriorScale));
        var cov = precision.Inverse();
        var mean = cov * design.Transpose() * Vector<double>.Build.DenseOfArray(y) / (Noise * Noise);
        return (mean.ToArray(), cov.ToArray());
    }

    /// <summary>log N(y; 0, σ²I + τ² XXᵀ), the marginal likelihood of the conjugate model (Bishop, PRML, eq. 3.86).</summary>
    internal static double LogEvidence(double[] x, double[] y)
    {
        var design = Matrix<double>.Build.Dense(x.Length, 2, (i, j) => j == 0 ? 1 : x[i]);
        var k = (design * design.Transpose() * (PriorScale * PriorScale)) + (Matrix<double>.Build.DenseIdentity(x.Length) * (Noise * Noise));
        var yv = Vector<double>.Build.DenseOfArray(y);
        return -0.5 * ((yv * k.Inverse() * yv) + Math.Log(k.Determinant()) + (x.Length * Math.Log(2 * Math.PI)));
    }
}
