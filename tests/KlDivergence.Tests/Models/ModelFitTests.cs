using System.Text.Json;
using KlDivergence.Distributions;
using KlDivergence.Inference;
using KlDivergence.Models;
using KlDivergence.Random;
using KlDivergence.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace KlDivergence.Tests.Models;

public class ModelFitTests
{
    // Bayesian linear regression y = θ₀ + θ₁ x + ε, ε ~ N(0, σ²) with σ known, prior θ ~ N(0, τ² I): conjugate.
    internal const double Noise = 0.5;
    internal const double PriorScale = 2.0;

    internal static (double[] X, double[] Y) Data()
    {
        var x = Enumerable.Range(0, 40).Select(i => -2 + (4.0 * i / 39)).ToArray();
        var noise = new double[x.Length];
        new RandomStream(11UL).FillStandardNormal(noise);
        return (x, x.Select((v, i) => 0.7 - (1.3 * v) + (Noise * noise[i])).ToArray());
    }

    internal static Model Regression(double[] x, double[] y)
    {
        var xT = Tensor.Vector(x);
        var yT = Tensor.Vector(y);
        return Model.Define(m =>
        {
            var theta = m.Latent("theta", new Normal(0, PriorScale), shape: [2]);
            m.Observe("y", new Normal(theta.Narrow(1, 0, 1) + (theta.Narrow(1, 1, 1) * xT), Noise), yT);
        });
    }

    // Σ = (I/τ² + XᵀX/σ²)⁻¹, μ = Σ Xᵀy/σ² with X = [1, x].
    internal static (double[] Mean, double[,] Cov) Exact(double[] x, double[] y)
    {
        var design = Matrix<double>.Build.Dense(x.Length, 2, (i, j) => j == 0 ? 1 : x[i]);
        var precision = (Matrix<double>.Build.DenseIdentity(2) / (PriorScale * PriorScale)) + (design.TransposeThisAndMultiply(design) / (Noise * Noise));
        var cov = precision.Inverse();
        var mean = cov * design.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(y)) / (Noise * Noise);
        return (mean.ToArray(), cov.ToArray());
    }

    /// <summary>Means within <paramref name="meanTolerance"/> posterior sd, covariances within <paramref name="covarianceTolerance"/> · sdᵢ sdⱼ.</summary>
    internal static void ShouldMatch(MultivariateNormal q, double[] mean, double[,] cov, double meanTolerance, double covarianceTolerance)
    {
        var m = q.Loc.ToArray();
        var c = q.CovarianceMatrix.ToArray();
        for (int i = 0; i < mean.Length; i++)
        {
            m[i].Should().BeApproximately(mean[i], meanTolerance * Math.Sqrt(cov[i, i]));
            for (int j = 0; j < mean.Length; j++)
            {
                c[(i * mean.Length) + j].Should().BeApproximately(cov[i, j], covarianceTolerance * Math.Sqrt(cov[i, i] * cov[j, j]));
            }
        }
    }

    [Fact]
    public void FullRankFitMatchesTheExactConjugatePosterior()
    {
        var (x, y) = Data();
        var (mean, cov) = Exact(x, y);
        var fit = Regression(x, y).Fit(new ModelFitOptions
        {
            Surrogate = SurrogateFamily.FullRank, Steps = 3000, LearningRate = 0.02, SampleCount = 200, Seed = 1, Gradient = ElboGradient.StickingTheLanding,
        });
        ShouldMatch((MultivariateNormal)fit.Posterior, mean, cov, 0.02, 0.03);

        // Draws by name: the sample mean of 4000 draws within 5 standard errors of the exact mean.
        var draws = fit.Sample(4000, seed: 3);
        draws["theta"].Shape.Should().Equal(4000, 2);
        var summary = draws.Summary();
        for (int i = 0; i < 2; i++)
        {
            summary[$"theta[{i + 1}]"].Mean.Should().BeApproximately(mean[i], 5 * Math.Sqrt(cov[i, i] / 4000));
        }

        fit.ElboTrace.Should().HaveCount(3000);
    }

    [Fact]
    public void MeanFieldFitReachesTheMeanFieldOptimum()
    {
        // For a Gaussian posterior the best factorised normal has the exact means and variances 1/Λᵢᵢ.
        var (x, y) = Data();
        var (mean, cov) = Exact(x, y);
        var precision = Matrix<double>.Build.DenseOfArray(cov).Inverse();
        var fit = Regression(x, y).Fit(new ModelFitOptions
        {
            Surrogate = SurrogateFamily.MeanField, Steps = 3000, LearningRate = 0.02, SampleCount = 200, Seed = 2, Gradient = ElboGradient.StickingTheLanding,
        });
        var q = (MultivariateNormalDiag)fit.Posterior;
        for (int i = 0; i < 2; i++)
        {
            q.Loc[i].Should().BeApproximately(mean[i], 0.02 * Math.Sqrt(cov[i, i]));
            q.Variance[i].Should().BeApproximately(1 / precision[i, i], 0.03 / precision[i, i]);
        }
    }

    [Fact]
    public void LowRankFitOfRankOneRepresentsTheTwoDimensionalPosterior()
    {
        // WWᵀ + diag(D) with W of one column spans every 2 × 2 covariance, so the optimum is exact.
        var (x, y) = Data();
        var (mean, cov) = Exact(x, y);
        var fit = Regression(x, y).Fit(new ModelFitOptions
        {
            Surrogate = SurrogateFamily.LowRank, Rank = 1, Steps = 4000, LearningRate = 0.02, SampleCount = 200, Seed = 3, Gradient = ElboGradient.StickingTheLanding,
        });
        var q = (LowRankMultivariateNormal)fit.Posterior;
        var c = q.CovarianceMatrix.ToArray();
        for (int i = 0; i < 2; i++)
        {
            q.Loc[i].Should().BeApproximately(mean[i], 0.02 * Math.Sqrt(cov[i, i]));
            for (int j = 0; j < 2; j++)
            {
                c[(i * 2) + j].Should().BeApproximately(cov[i, j], 0.05 * Math.Sqrt(cov[i, i] * cov[j, j]));
            }
        }
    }

    [Fact]
    public void PointMassFitIsTheMaximumAPosteriori()
    {
        // tau ~ Gamma(3, 2) through tau = exp(u): the mode in u of Gamma(3, 2)(eᵘ) eᵘ is where d/du [3u - 2eᵘ] = 0, u = log(3/2).
        var model = Model.Define(m => m.Latent("tau", new Gamma(3.0, 2.0)));
        var fit = model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.PointMass, Steps = 3000, LearningRate = 0.01 });
        ((PointMass)fit.Posterior).Loc[0].Should().BeApproximately(Math.Log(1.5), 1e-4);
        fit.Sample(5)["tau"].ToArray().Should().OnlyContain(v => Math.Abs(v - 1.5) < 2e-4);
    }

    [Fact]
    public void FitStartsFromGivenInitialValues()
    {
        var (x, y) = Data();
        var fit = Regression(x, y).Fit(new ModelFitOptions
        {
            Surrogate = SurrogateFamily.FullRank, Steps = 1, LearningRate = 1e-12, InitialValues = new Dictionary<string, Tensor> { ["theta"] = Tensor.Vector(0.5, -1.0) },
        });
        var loc = ((MultivariateNormal)fit.Posterior).Loc.ToArray();
        loc[0].Should().BeApproximately(0.5, 1e-9);
        loc[1].Should().BeApproximately(-1.0, 1e-9);
    }

    [Fact]
    public void MiniBatchElboGradientIsUnbiased()
    {
        // The same surrogate draws (seed 7) every time; only the mini-batch changes. The mean over mini-batches of the
        // ELBO's gradient must match the full-data gradient within 5 standard errors of that mean.
        var (x, y) = Data();
        var xT = Tensor.Vector(x);
        var yT = Tensor.Vector(y);
        var model = Model.Define(m =>
        {
            var theta = m.Latent("theta", new Normal(0, PriorScale), shape: [2]);
            var rows = m.Subsample("rows", x.Length, 8);
            m.Observe("y", new Normal(theta.Narrow(1, 0, 1) + (theta.Narrow(1, 1, 1) * rows.Select(xT)), Noise), rows.Select(yT), rows);
        });
        model.HasMiniBatches.Should().BeTrue();
        var surrogate = new FullRankNormal(2, initialLoc: 0.3, initialScale: 0.5);

        double[] Gradient(RandomStream? batches)
        {
            foreach (var p in surrogate.Parameters)
            {
                p.Unconstrained.ZeroGrad();
            }

            Elbo.Estimate(z => model.UnconstrainedLogDensity(z, batches), surrogate, 5, new RandomStream(7UL)).Value.Backward();
            return [.. surrogate.Loc.Unconstrained.Grad!.ToArray(), .. surrogate.ScaleTril.Unconstrained.Grad!.ToArray()];
        }

        var full = Gradient(null);
        const int batchCount = 2000;
        var batches = new RandomStream(8UL);
        var sum = new double[full.Length];
        var sumSquares = new double[full.Length];
        var first = Gradient(batches);
        bool differs = false;
        for (int k = 0; k < batchCount; k++)
        {
            var g = k == 0 ? first : Gradient(batches);
            for (int i = 0; i < g.Length; i++)
            {
                sum[i] += g[i];
                sumSquares[i] += g[i] * g[i];
                differs |= Math.Abs(g[i] - full[i]) > 1e-6;
            }
        }

        differs.Should().BeTrue("mini-batches must change the estimate");
        for (int i = 0; i < full.Length; i++)
        {
            double mean = sum[i] / batchCount;
            double se = Math.Sqrt(((sumSquares[i] / batchCount) - (mean * mean)) / (batchCount - 1));
            if (se == 0)
            {
                mean.Should().BeApproximately(full[i], 1e-9, $"coordinate {i}");
                continue;
            }

            Math.Abs(mean - full[i]).Should().BeLessThan(5 * se, $"coordinate {i}: mean {mean}, full {full[i]}, se {se}");
        }
    }

    [Fact]
    public void PosteriorPredictiveDrawsHaveTheDataShapeAndThePredictiveMoments()
    {
        // mu ~ N(0, 1), y ~ N(mu, 1): under q(mu) = N(m, s²) a replicate of y has mean m and variance s² + 1.
        var model = Model.Define(m =>
        {
            var mu = m.Latent("mu", new Normal(0, 1));
            m.Observe("y", new Normal(mu, 1), Tensor.Vector(0.5, 1.5, 1.0));
        });
        var fit = model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.FullRank, Steps = 500, LearningRate = 0.05, Seed = 4 });
        var q = (MultivariateNormal)fit.Posterior;
        double m = q.Loc[0], v = q.CovarianceMatrix[0, 0] + 1;
        const int count = 20000;
        var y = fit.PosteriorPredictive(count, seed: 5)["y"];
        y.Shape.Should().Equal(count, 3);
        var column = Enumerable.Range(0, count).Select(i => y[i, 2]).ToArray();
        double mean = column.Average();
        double variance = column.Select(c => (c - mean) * (c - mean)).Sum() / (count - 1);
        mean.Should().BeApproximately(m, 5 * Math.Sqrt(v / count));
        variance.Should().BeApproximately(v, 5 * v * Math.Sqrt(2.0 / (count - 1)));
    }

    [Fact]
    public void SampleAndPredictiveFollowTheSeedingConvention()
    {
        // A seed is the stream of that seed: bit-identical draws; another seed gives other draws.
        var model = Model.Define(m =>
        {
            var mu = m.Latent("mu", new Normal(0, 1));
            m.Observe("y", new Normal(mu, 1), Tensor.Vector(0.5, 1.5));
        });
        var fit = model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.MeanField, Steps = 5 });
        fit.Sample(50, 9)["mu"].ToArray().Should().Equal(fit.Sample(50, new RandomStream(9))["mu"].ToArray());
        fit.Sample(50, 9)["mu"].ToArray().Should().NotEqual(fit.Sample(50, 10)["mu"].ToArray());
        fit.PosteriorPredictive(50, 9)["y"].ToArray().Should().Equal(fit.PosteriorPredictive(50, new RandomStream(9))["y"].ToArray());
    }

    [Fact]
    public void DrawsExportOneOneBasedColumnPerScalarElement()
    {
        var model = Model.Define(m =>
        {
            m.Latent("a", new Normal(0, 1));
            m.Latent("W", new Normal(0, 1), shape: [2, 3]);
        });
        var fit = model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.FullRank, Steps = 1 });
        var draws = fit.Sample(3, seed: 1);
        draws.ColumnNames.Should().Equal("a", "W[1,1]", "W[1,2]", "W[1,3]", "W[2,1]", "W[2,2]", "W[2,3]");
        draws["W"].Shape.Should().Equal(3, 2, 3);
        draws["a"].Shape.Should().Equal(3);

        var lines = draws.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(4);
        lines[0].Should().Be("a,\"W[1,1]\",\"W[1,2]\",\"W[1,3]\",\"W[2,1]\",\"W[2,2]\",\"W[2,3]\"");
        var row = lines[2].Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        row[0].Should().Be(draws["a"][1]);
        row[6].Should().Be(draws["W"][1, 1, 2]);

        using var json = JsonDocument.Parse(draws.ToJson());
        json.RootElement.GetProperty("params").EnumerateArray().Select(e => e.GetString()).Should().Equal(draws.ColumnNames);
        json.RootElement.GetProperty("draws")[2][4].GetDouble().Should().Be(draws["W"][2, 1, 0]);
    }

    [Fact]
    public void SummaryQuantilesInterpolateBetweenOrderStatistics()
    {
        // 1..101: mean 51, variance N(N+1)/12 = 858.5, type-7 quantiles at h = 100 p: 6, 51, 96.
        var s = VariableSummary.Of("x", Enumerable.Range(1, 101).Select(i => (double)i).Reverse().ToArray());
        s.Mean.Should().Be(51);
        s.StandardDeviation.Should().BeApproximately(Math.Sqrt(858.5), 1e-12);
        (s.Q05, s.Q50, s.Q95).Should().Be((6.0, 51.0, 96.0));
        var t = VariableSummary.Of("y", [0.0, 10.0]);
        t.Q05.Should().BeApproximately(0.5, 1e-12);
    }

    [Theory]
    [InlineData(SurrogateFamily.MeanField)]
    [InlineData(SurrogateFamily.Automatic)]
    [InlineData(SurrogateFamily.Pathfinder)]
    [InlineData(SurrogateFamily.Laplace)]
    public void ReuseIntermediatesOffKeepsWhatTheBodyKeptAndChangesNoResult(SurrogateFamily family)
    {
        // A tensor the model body keeps expires with its evaluation when the fit reuses memory, and keeps its values with
        // ReuseIntermediates off; the fit is the same bits either way. The kept tensor is the regression's mean twice
        // over ([n, 40, 2]: 80 values even for one point, so pooled), and (mean + mean)/2 is the mean exactly.
        var (x, y) = Data();
        var xT = Tensor.Vector(x);
        var yT = Tensor.Vector(y);
        var twice = Tensor.Vector(1.0, 1.0);
        Tensor? kept = null;
        var model = Model.Define(m =>
        {
            var theta = m.Latent("theta", new Normal(0, PriorScale), shape: [2]);
            var wide = (theta.Narrow(1, 0, 1) + (theta.Narrow(1, 1, 1) * xT)).Unsqueeze(-1) * twice;
            if (wide.RequiresGrad)
            {
                kept = wide;
            }

            m.Observe("y", new Normal(wide.Sum(-1) * 0.5, Noise), yT);
        });

        var on = model.Fit(new ModelFitOptions { Surrogate = family, Steps = 50, Seed = 2 });
        var read = () => kept!.ToArray();
        read.Should().Throw<InvalidOperationException>().WithMessage("*Clone()*ReuseIntermediates*");

        var off = model.Fit(new ModelFitOptions { Surrogate = family, Steps = 50, Seed = 2, ReuseIntermediates = false });
        kept!.ToArray().Should().HaveCount(kept.Length);
        off.Sample(20, new RandomStream(4)).ToCsv().Should().Be(on.Sample(20, new RandomStream(4)).ToCsv());
    }
}
