using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KlDivergence.Diagnostics;
using KlDivergence.Inference;
using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Benchmarks.PosteriorDb;

/// <summary>
/// <c>--posteriordb DIR</c>: on every posterior folder under DIR whose name it knows, runs the default fit
/// (<see cref="AutomaticFit"/>), full-rank ADVI with fixed settings (Adam 0.01, 10 samples, 10 000 steps, init 0) and
/// multi-path Pathfinder, and scores each against the reference draws (<see cref="ReferenceScore"/>). Prints a readable
/// block per posterior, then one tab-separated line per posterior and method:
/// folder, method, max z, worst r, mean w, gradient evaluations, seconds. <c>--methods a,b</c> runs a subset.
/// </summary>
internal static class PosteriorDbRunner
{
    public static void Run(string directory, string? methods = null)
    {
        var rows = new List<string>();
        foreach (string folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            var model = PosteriorDbModel.Load(folder);
            if (model is null)
            {
                continue;
            }

            var (reference, parameterCount) = ReadReference(Path.Combine(folder, "reference.json"));
            Console.WriteLine($"== {model.Folder} (d = {model.Dimension})");
            foreach (string method in (methods ?? "default,advi-fullrank,pathfinder").Split(','))
            {
                var clock = Stopwatch.StartNew();
                var (draws, gradients, note) = Fit(model, method);
                double seconds = clock.Elapsed.TotalSeconds;
                var constrained = Constrain(model, draws);
                var score = ReferenceScore.Compute(constrained, reference, parameterCount);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {method,-14} max z {score.MaxZ,6:F3}  worst r {score.WorstR,6:F3}  mean w {score.MeanW,6:F3}  holds {(score.Holds ? "yes" : "no ")}  grad evals {gradients,7}  {seconds,7:F2} s  {note}"));
                rows.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{model.Folder}\t{method}\t{score.MaxZ:F4}\t{score.WorstR:F4}\t{score.MeanW:F4}\t{gradients}\t{seconds:F3}"));
            }
        }

        foreach (string row in rows)
        {
            Console.WriteLine(row);
        }
    }

    private static (Tensor Draws, int Gradients, string Note) Fit(PosteriorDbModel model, string method)
    {
        switch (method)
        {
            case "default":
                {
                    var fit = AutomaticFit.Fit(model.LogDensity, model.Dimension);
                    var d = fit.Diagnostics;
                    return (fit.Draws, d.GradientEvaluations, string.Create(
                        CultureInfo.InvariantCulture,
                        $"k-hat {d.ParetoK:F2}, ELBO {d.Elbo:F2} ± {d.ElboStandardError:F2}, log Z {d.LogEvidence:F2} ± {d.LogEvidenceStandardError:F2}, init {fit.Initialization}, {fit.RefinementSteps} steps{(fit.Converged ? "" : " (cap)")}"));
                }

            case "advi-fullrank":
                {
                    var surrogate = new FullRankNormal(model.Dimension);
                    var options = new MinimizeOptions(Optimizers.Adam(0.01)) { MaxSteps = 10_000, TraceEvery = 0, MaxNonFiniteSteps = 10_000 };
                    var fit = VariationalInference.Fit(model.LogDensity, surrogate, options, sampleCount: 10, seed: 1);
                    using var scope = Tensor.NoGrad();
                    return (fit.Posterior.Sample(1000, new Random.RandomStream(2)), 10 * fit.Trace.Steps, $"{fit.Trace.SkippedSteps} skipped steps");
                }

            default:
                {
                    var result = Pathfinder.MultiPath(model.LogDensity, model.Dimension);
                    var d = result.Diagnostics;
                    return (result.Draws, d.GradientEvaluations, string.Create(
                        CultureInfo.InvariantCulture,
                        $"k-hat {d.ParetoK:F2}, {result.Paths.Count} paths, {d.DensityEvaluations} density-only evaluations"));
                }
        }
    }

    private static double[] Constrain(PosteriorDbModel model, Tensor draws)
    {
        int n = draws.Shape[0];
        var values = draws.ToArray();
        return [.. Enumerable.Range(0, n).SelectMany(i => model.Constrain(values.AsSpan(i * model.Dimension, model.Dimension)))];
    }

    private static (double[] Rows, int ParameterCount) ReadReference(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        int p = json.RootElement.GetProperty("params").GetArrayLength();
        var rows = json.RootElement.GetProperty("draws").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        return (rows, p);
    }
}
