using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KlDivergence.Diagnostics;
using KlDivergence.Inference;
using KlDivergence.Models;
using KlDivergence.Optimization;
using KlDivergence.Samples.PosteriorDb;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks.PosteriorDb;

/// <summary>
/// <c>--posteriordb DIR</c>: on every posterior folder under DIR that <see cref="PosteriorDbModels"/> knows, runs the
/// model's default fit (<see cref="Model.Fit"/>, i.e. <see cref="AutomaticFit"/>), full-rank ADVI with fixed settings
/// (Adam 0.01, 10 samples, 10 000 steps, init 0) and multi-path Pathfinder's resampled draws, all over the model's
/// <see cref="Model.UnconstrainedLogDensity"/>, and scores the constrained draws against the reference draws
/// (<see cref="ReferenceScore"/>) parameter by parameter, by name. Prints a readable block per posterior, then one
/// tab-separated line per posterior and method: folder, method, max z, worst r, mean w, gradient evaluations, seconds.
/// <c>--methods a,b</c> runs a subset.
/// </summary>
internal static class PosteriorDbRunner
{
    public static void Run(string directory, string? methods = null)
    {
        var rows = new List<string>();
        foreach (string path in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            string folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
            if (!PosteriorDbModels.Folders.Contains(folder))
            {
                continue;
            }

            var model = PosteriorDbModels.ByFolderName(folder, directory);
            var (reference, parameters) = ReadReference(Path.Combine(path, "reference.json"));
            Console.WriteLine($"== {folder} (d = {model.Dimension})");
            foreach (string method in (methods ?? "default,advi-fullrank,pathfinder").Split(','))
            {
                var clock = Stopwatch.StartNew();
                var (draws, gradients, note) = Fit(model, method);
                double seconds = clock.Elapsed.TotalSeconds;
                var constrained = ReferenceColumns(model.Constrain(draws), parameters);
                var score = ReferenceScore.Compute(constrained, reference, parameters.Length);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {method,-14} max z {score.MaxZ,6:F3}  worst r {score.WorstR,6:F3}  mean w {score.MeanW,6:F3}  holds {(score.Holds ? "yes" : "no ")}  grad evals {gradients,7}  {seconds,7:F2} s  {note}"));
                rows.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{folder}\t{method}\t{score.MaxZ:F4}\t{score.WorstR:F4}\t{score.MeanW:F4}\t{gradients}\t{seconds:F3}"));
            }
        }

        foreach (string row in rows)
        {
            Console.WriteLine(row);
        }
    }

    /// <summary>Unconstrained draws [S, d] of one method, with the gradient evaluations it spent.</summary>
    private static (Tensor Draws, int Gradients, string Note) Fit(Model model, string method)
    {
        switch (method)
        {
            case "default":
                {
                    var fit = model.Fit(new ModelFitOptions());
                    var d = fit.Diagnostics!;
                    using var scope = Tensor.NoGrad();
                    return (fit.Posterior.Sample(1000, new Random.RandomStream(2)), d.GradientEvaluations, string.Create(
                        CultureInfo.InvariantCulture,
                        $"k-hat {d.ParetoK:F2}, ELBO {d.Elbo:F2} ± {d.ElboStandardError:F2}, log Z {d.LogEvidence:F2} ± {d.LogEvidenceStandardError:F2}"));
                }

            case "advi-fullrank":
                {
                    // Fixed Stan-like settings rather than ModelFitOptions, to keep going through steps whose draws all leave the support.
                    var surrogate = new FullRankNormal(model.Dimension);
                    var options = new MinimizeOptions(Optimizers.Adam(0.01)) { MaxSteps = 10_000, TraceEvery = 0, MaxNonFiniteSteps = 10_000 };
                    var fit = VariationalInference.Fit(z => model.UnconstrainedLogDensity(z), surrogate, options, sampleCount: 10, seed: 1);
                    using var scope = Tensor.NoGrad();
                    return (fit.Posterior.Sample(1000, new Random.RandomStream(2)), 10 * fit.Trace.Steps, $"{fit.Trace.SkippedSteps} skipped steps");
                }

            default:
                {
                    // Multi-path Pathfinder's output is its importance-resampled draws, not one normal.
                    var result = Pathfinder.MultiPath(z => model.UnconstrainedLogDensity(z), model.Dimension);
                    var d = result.Diagnostics;
                    return (result.Draws, d.GradientEvaluations, string.Create(
                        CultureInfo.InvariantCulture,
                        $"k-hat {d.ParetoK:F2}, {result.Paths.Count} paths, {d.DensityEvaluations} density-only evaluations"));
                }
        }
    }

    /// <summary>
    /// Row-major [S, P] values of the reference's parameters, taken by name from the constrained draws (a scalar
    /// <c>x</c> or an element <c>x[i]</c> in Stan's 1-based names); eight schools' <c>theta[j]</c>, a transformed
    /// parameter of the Stan model, is computed from the draws as theta_trans[j] · tau + mu.
    /// </summary>
    private static double[] ReferenceColumns(IReadOnlyDictionary<string, Tensor> draws, string[] parameters)
    {
        int s = draws.Values.First().Shape[0];
        var columns = parameters.Select(p => Column(draws, p, s)).ToArray();
        var rows = new double[s * parameters.Length];
        for (int i = 0; i < s; i++)
        {
            for (int j = 0; j < parameters.Length; j++)
            {
                rows[(i * parameters.Length) + j] = columns[j][i];
            }
        }

        return rows;
    }

    private static double[] Column(IReadOnlyDictionary<string, Tensor> draws, string parameter, int s)
    {
        int bracket = parameter.IndexOf('[', StringComparison.Ordinal);
        string name = bracket < 0 ? parameter : parameter[..bracket];
        int element = bracket < 0 ? 0 : int.Parse(parameter[(bracket + 1)..^1], CultureInfo.InvariantCulture) - 1;
        if (name == "theta" && draws.ContainsKey("theta_trans"))
        {
            var thetaTrans = Column(draws, $"theta_trans[{element + 1}]", s);
            var tau = Column(draws, "tau", s);
            var mu = Column(draws, "mu", s);
            return [.. Enumerable.Range(0, s).Select(i => (thetaTrans[i] * tau[i]) + mu[i])];
        }

        if (!draws.TryGetValue(name, out var values))
        {
            throw new InvalidOperationException($"The reference's parameter '{parameter}' is not a latent variable of the model; it has {string.Join(", ", draws.Keys)}.");
        }

        // [S] for a scalar, [S, k] for a vector: element i of draw r is at r·k + i.
        int width = values.Length / s;
        var flat = values.ToArray();
        return [.. Enumerable.Range(0, s).Select(r => flat[(r * width) + element])];
    }

    private static (double[] Rows, string[] Parameters) ReadReference(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var parameters = json.RootElement.GetProperty("params").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var rows = json.RootElement.GetProperty("draws").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        return (rows, parameters);
    }
}
