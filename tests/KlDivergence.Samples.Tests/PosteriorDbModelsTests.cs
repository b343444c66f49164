using System.Text.Json;
using KlDivergence.Models;
using KlDivergence.Samples.PosteriorDb;
using KlDivergence.Tensors;

namespace KlDivergence.Samples.Tests;

/// <summary>
/// The four posteriordb models written with the model API: their unconstrained log-density at a few points against
/// the density of each model.stan written out here by hand, every normalising constant and Jacobian term included.
/// </summary>
public sealed class PosteriorDbModelsTests
{
    private static readonly string DataDirectory = FindDataDirectory();

    private static double LogNormal(double x, double m, double s) => (-0.5 * Math.Log(2 * Math.PI)) - Math.Log(s) - (0.5 * ((x - m) / s) * ((x - m) / s));

    // Half-Cauchy(0, s) on x > 0: 2 / (π s (1 + (x/s)²)).
    private static double LogHalfCauchy(double x, double s) => Math.Log(2 / (Math.PI * s)) - Math.Log(1 + ((x / s) * (x / s)));

    // Half-normal(0, s) on x > 0: twice the normal density.
    private static double LogHalfNormal(double x, double s) => Math.Log(2) + LogNormal(x, 0, s);

    private static double[] Data(string folder, string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDirectory, folder, "data.json")));
        return document.RootElement.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    private static double[] Evaluate(Model model, double[][] points)
    {
        model.Dimension.Should().Be(points[0].Length);
        return model.UnconstrainedLogDensity(Tensor.FromArray(points.SelectMany(p => p).ToArray(), [points.Length, points[0].Length])).ToArray();
    }

    [Fact]
    public void EightSchoolsNoncentered()
    {
        const string folder = "eight_schools-eight_schools_noncentered";
        double[] y = Data(folder, "y"), sigma = Data(folder, "sigma");
        double[][] points =
        [
            [0.1, -0.2, 0.3, 0.0, -1.0, 0.5, 1.2, -0.7, 4.0, 1.1],
            [-1.5, 2.0, 0.0, 0.4, 0.3, -0.3, 0.0, 0.9, -2.0, -3.0],
        ];
        var lp = Evaluate(PosteriorDbModels.ByFolderName(folder, DataDirectory), points);
        for (int r = 0; r < points.Length; r++)
        {
            var p = points[r];
            double mu = p[8], tau = Math.Exp(p[9]);
            double expected = LogNormal(mu, 0, 5) + LogHalfCauchy(tau, 5) + p[9]; // + log |dτ/du| = u
            for (int j = 0; j < 8; j++)
            {
                expected += LogNormal(p[j], 0, 1) + LogNormal(y[j], (p[j] * tau) + mu, sigma[j]);
            }

            lp[r].Should().BeApproximately(expected, 1e-9 * Math.Abs(expected));
        }
    }

    [Fact]
    public void KidiqMomiq()
    {
        const string folder = "kidiq-kidscore_momiq";
        double[] score = Data(folder, "kid_score"), iq = Data(folder, "mom_iq");
        double[][] points = [[26.0, 0.6, Math.Log(18.0)], [0.0, 1.0, 0.0], [-5.0, 0.2, 3.5]];
        var lp = Evaluate(PosteriorDbModels.ByFolderName(folder, DataDirectory), points);
        for (int r = 0; r < points.Length; r++)
        {
            var p = points[r];
            double sigma = Math.Exp(p[2]);
            double expected = LogHalfCauchy(sigma, 2.5) + p[2]; // beta flat
            for (int i = 0; i < score.Length; i++)
            {
                expected += LogNormal(score[i], p[0] + (p[1] * iq[i]), sigma);
            }

            lp[r].Should().BeApproximately(expected, 1e-9 * Math.Abs(expected));
        }
    }

    [Fact]
    public void LowDimGaussMix()
    {
        const string folder = "low_dim_gauss_mix-low_dim_gauss_mix";
        double[] y = Data(folder, "y");
        double[][] points = [[-2.7, Math.Log(5.6), 0.0, 0.1, 0.5], [0.3, -1.0, -0.5, 0.7, -2.0]];
        var lp = Evaluate(PosteriorDbModels.ByFolderName(folder, DataDirectory), points);

        // Beta(5, 5): B(5, 5) = Γ(5)² / Γ(10) = 24² / 362880 = 1/630.
        double logBetaFunction = -Math.Log(630);
        for (int r = 0; r < points.Length; r++)
        {
            var p = points[r];

            // Stan's transforms: ordered mu = (x1, x1 + e^{x2}), log-Jacobian x2; sigma = e^s, log-Jacobian s;
            // theta = logistic(t), log-Jacobian log θ + log(1 - θ).
            double mu1 = p[0], mu2 = p[0] + Math.Exp(p[1]);
            double s1 = Math.Exp(p[2]), s2 = Math.Exp(p[3]);
            double theta = 1 / (1 + Math.Exp(-p[4]));
            double expected = p[1] + p[2] + p[3] + Math.Log(theta) + Math.Log(1 - theta);
            expected += LogNormal(mu1, 0, 2) + LogNormal(mu2, 0, 2) + LogHalfNormal(s1, 2) + LogHalfNormal(s2, 2);
            expected += (4 * Math.Log(theta)) + (4 * Math.Log(1 - theta)) - logBetaFunction;
            foreach (double v in y)
            {
                expected += Math.Log((theta * Math.Exp(LogNormal(v, mu1, s1))) + ((1 - theta) * Math.Exp(LogNormal(v, mu2, s2))));
            }

            lp[r].Should().BeApproximately(expected, 1e-9 * Math.Abs(expected));
        }
    }

    [Fact]
    public void LogMesquite()
    {
        const string folder = "mesquite-logmesquite";
        string[] predictors = ["diam1", "diam2", "canopy_height", "total_height", "density"];
        var logs = predictors.Select(n => Data(folder, n).Select(v => Math.Log(v)).ToArray()).ToArray();
        double[] weight = Data(folder, "weight"), group = Data(folder, "group");
        double[][] points = [[5.35, 0.4, 1.1, 0.4, 0.4, 0.1, 0.6, Math.Log(0.27)], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]];
        var lp = Evaluate(PosteriorDbModels.ByFolderName(folder, DataDirectory), points);
        for (int r = 0; r < points.Length; r++)
        {
            var p = points[r];
            double sigma = Math.Exp(p[7]);
            double expected = p[7]; // beta and sigma flat; log |dσ/du| = u
            for (int i = 0; i < weight.Length; i++)
            {
                double mean = p[0] + (p[1] * logs[0][i]) + (p[2] * logs[1][i]) + (p[3] * logs[2][i]) + (p[4] * logs[3][i]) + (p[5] * logs[4][i]) + (p[6] * group[i]);
                expected += LogNormal(Math.Log(weight[i]), mean, sigma);
            }

            lp[r].Should().BeApproximately(expected, 1e-9 * Math.Abs(expected));
        }
    }

    [Fact]
    public void VariablesAreNamedAsInTheStanPrograms()
    {
        PosteriorDbModels.Folders.Select(f => string.Join(" ", PosteriorDbModels.ByFolderName(f, DataDirectory).Latents.Select(l => l.Name)))
            .Should().Equal("theta_trans mu tau", "beta sigma", "mu sigma theta", "beta sigma");
    }

    private static string FindDataDirectory()
    {
        if (Directory.Exists(PosteriorDbModels.DefaultDataDirectory))
        {
            return PosteriorDbModels.DefaultDataDirectory;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "samples", "PosteriorDb", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("samples/PosteriorDb/data not found above " + AppContext.BaseDirectory);
    }
}
