using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Inference.Flows;
using KlDivergence.Models;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Models;

/// <summary>Model.Fit through the automatic, Pathfinder, Laplace and custom-surrogate algorithms, on the conjugate regression of <see cref="ModelFitTests"/>.</summary>
public class ModelAlgorithmFitTests
{
    // log p(y) = log N(y; 0, σ²I + τ² X Xᵀ) with X = [1, x]: the evidence of the conjugate regression.
    private static double LogEvidence(double[] x, double[] y)
    {
        var design = Matrix<double>.Build.Dense(x.Length, 2, (i, j) => j == 0 ? 1 : x[i]);
        var cov = (Matrix<double>.Build.DenseIdentity(x.Length) * (ModelFitTests.Noise * ModelFitTests.Noise))
            + (design.TransposeAndMultiply(design) * (ModelFitTests.PriorScale * ModelFitTests.PriorScale));
        var cholesky = cov.Cholesky();
        var yv = Vector<double>.Build.DenseOfArray(y);
        return (-0.5 * x.Length * Math.Log(2 * Math.PI)) - (0.5 * cholesky.DeterminantLn) - (0.5 * yv.DotProduct(cholesky.Solve(yv)));
    }

    [Fact]
    public void AutomaticFitIsTheDefaultAndMatchesTheExactConjugatePosterior()
    {
        var (x, y) = ModelFitTests.Data();
        var (mean, cov) = ModelFitTests.Exact(x, y);
        var fit = ModelFitTests.Regression(x, y).Fit(new ModelFitOptions { Seed = 1 });

        // Sticking-the-landing gradients vanish at the exact posterior, which a full-rank normal represents, so the
        // fit's error is only what the ELBO stopping rule leaves: a few hundredths of a posterior standard deviation.
        ModelFitTests.ShouldMatch((MultivariateNormal)fit.Posterior, mean, cov, 0.05, 0.05);

        // The diagnostics against the exact evidence: ELBO ≤ log Z and the importance-sampling log Ẑ within 5 SE of it.
        var d = fit.Diagnostics!;
        d.ParetoK.Should().BeLessThan(FitDiagnostics.ParetoKThreshold);
        double logZ = LogEvidence(x, y);
        d.Elbo.Should().BeLessThanOrEqualTo(logZ + (5 * d.ElboStandardError));
        d.Elbo.Should().BeGreaterThan(logZ - 0.01);
        d.LogEvidence.Should().BeApproximately(logZ, (5 * d.LogEvidenceStandardError) + 1e-9);
        d.GradientEvaluations.Should().BePositive();
        fit.VariationalFit.Should().BeNull();
        fit.ElboTrace.Should().BeEmpty();
    }

    [Fact]
    public void LaplaceFitIsExactForTheGaussianPosterior()
    {
        // The log posterior is quadratic: the mode is the mean and the negative Hessian the precision, so only the
        // mode search's tolerance and the finite-difference Hessian's O(h²) error remain.
        var (x, y) = ModelFitTests.Data();
        var (mean, cov) = ModelFitTests.Exact(x, y);
        var fit = ModelFitTests.Regression(x, y).Fit(new ModelFitOptions { Surrogate = SurrogateFamily.Laplace });
        ModelFitTests.ShouldMatch((MultivariateNormal)fit.Posterior, mean, cov, 1e-5, 1e-5);

        // q = p exactly: every importance ratio equals Z, so log Ẑ is log Z to rounding.
        fit.Diagnostics!.LogEvidence.Should().BeApproximately(LogEvidence(x, y), 1e-6);
        fit.Summary()["theta[2]"].Mean.Should().BeApproximately(mean[1], 5 * Math.Sqrt(cov[1, 1] / 4000));
    }

    [Fact]
    public void PathfinderFitCarriesItsDiagnostics()
    {
        var (x, y) = ModelFitTests.Data();
        var (mean, cov) = ModelFitTests.Exact(x, y);
        var fit = ModelFitTests.Regression(x, y).Fit(new ModelFitOptions { Surrogate = SurrogateFamily.Pathfinder, Seed = 2 });
        fit.Diagnostics!.ParetoK.Should().BeLessThan(FitDiagnostics.ParetoKThreshold);
        fit.Diagnostics.GradientEvaluations.Should().BePositive();
        for (int i = 0; i < 2; i++)
        {
            // Importance weighting corrects the approximation: its means are within 5 SE of 1000 draws of the exact ones.
            fit.Diagnostics.ImportanceWeightedMeans[i].Should().BeApproximately(mean[i], 5 * Math.Sqrt(cov[i, i] / 1000));
        }
    }

    [Fact]
    public void FlowSurrogateFitsAModelAndSummarisesItsVariablesByName()
    {
        // mu ~ N(0, 1), sigma ~ LogNormal(0, 0.5), y ~ N(mu, sigma): a RealNVP flow over the packed [mu, log sigma].
        var model = Model.Define(m =>
        {
            var mu = m.Latent("mu", new Normal(0, 1));
            var sigma = m.Latent("sigma", new LogNormal(0, 0.5));
            m.Observe("y", new Normal(mu, sigma), Tensor.Vector(0.3, 1.1, 0.6, 0.9));
        });
        var fit = model.Fit(new ModelFitOptions
        {
            Surrogate = SurrogateFamily.Custom, CustomSurrogate = FlowSurrogate.RealNvp(model.Dimension, couplings: 2, hiddenLayers: [8], seed: 3),
            Steps = 300, SampleCount = 16, LearningRate = 0.01, Seed = 3,
        });
        fit.ElboTrace.Should().HaveCount(300);
        fit.ElboTrace.Skip(250).Average().Should().BeGreaterThan(fit.ElboTrace.Take(50).Average());
        var summary = fit.Summary(1000);
        summary.Rows.Select(r => r.Name).Should().Equal("mu", "sigma");
        summary["sigma"].Q05.Should().BePositive();
    }

    [Fact]
    public void CustomSurrogateMustBeGivenWithTheCustomFamilyAndTheModelsDimension()
    {
        var model = Model.Define(m => m.Latent("theta", new Normal(0, 1), shape: [3]));
        var missing = () => model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.Custom });
        missing.Should().Throw<ArgumentException>().WithMessage("*CustomSurrogate is null*Custom*");
        var ignored = () => model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.FullRank, CustomSurrogate = new MeanFieldNormal(3) });
        ignored.Should().Throw<ArgumentException>().WithMessage("*MeanFieldNormal*FullRank*");
        var wrongSize = () => model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.Custom, CustomSurrogate = new MeanFieldNormal(2) });
        wrongSize.Should().Throw<ArgumentException>().WithMessage("*[1, 2]*[n, 3]*");
    }
}
