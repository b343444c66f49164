using System.Globalization;
using System.Text.Json;
using KlDivergence.Inference.Flows;
using KlDivergence.Models;
using KlDivergence.Samples.Plotting;

namespace KlDivergence.Samples.PosteriorDb;

/// <summary>
/// Eight schools (non-centred) with a RealNVP flow surrogate over the packed unconstrained vector, beside the default
/// full-rank automatic fit: tau's marginal quantiles of each against those of posteriordb's reference draws. tau's
/// posterior is skewed with a funnel towards 0, which a Gaussian in (theta_trans, mu, log tau) cannot follow exactly.
/// </summary>
public static class EightSchoolsFlow
{
    private static readonly double[] Probabilities = [0.05, 0.25, 0.5, 0.75, 0.95];

    /// <summary>Fits both surrogates and prints the table.</summary>
    /// <param name="dataDirectory">The directory holding the posteriordb folders.</param>
    /// <param name="steps">ELBO steps of the flow fit.</param>
    /// <param name="figurePath">Where the SVG histogram of tau's three marginals goes.</param>
    public static void Run(string dataDirectory, int steps, string figurePath)
    {
        const string folder = "eight_schools-eight_schools_noncentered";
        var model = PosteriorDbModels.ByFolderName(folder, dataDirectory);
        var flow = model.Fit(new ModelFitOptions
        {
            Surrogate = SurrogateFamily.Custom,
            CustomSurrogate = FlowSurrogate.RealNvp(model.Dimension, couplings: 4, hiddenLayers: [32, 32], seed: 1),
            Steps = steps,
            SampleCount = 16,
            LearningRate = 0.002,
            Seed = 1,
        });
        var automatic = model.Fit();

        var columns = new (string Name, double[] Tau)[]
        {
            ("reference", ReferenceDraws(Path.Combine(dataDirectory, folder, "reference.json"), "tau")),
            ($"RealNVP ({steps} steps)", flow.Sample(4000, seed: 2)["tau"].ToArray()),
            ("automatic (full-rank)", automatic.Sample(4000, seed: 2)["tau"].ToArray()),
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {folder}: tau's quantiles (flow final ELBO {flow.ElboTrace[^1]:F2}, automatic ELBO {automatic.Diagnostics!.Elbo:F2}, k-hat {automatic.Diagnostics.ParetoK:F2})"));
        Console.WriteLine("quantile".PadRight(10) + string.Concat(columns.Select(c => c.Name.PadLeft(24))));
        foreach (double p in Probabilities)
        {
            Console.WriteLine(p.ToString("P0", CultureInfo.InvariantCulture).PadRight(10)
                + string.Concat(columns.Select(c => Quantile(c.Tau, p).ToString("F3", CultureInfo.InvariantCulture).PadLeft(24))));
        }

        // The three marginals as overlaid density histograms on one range (up to the reference's 99% quantile).
        var figure = new Figure(1, 1, 720, 420) { Title = "Eight schools: posterior of tau" };
        var axes = figure[0, 0];
        axes.XLabel = "tau";
        axes.ShowLegend = true;
        var range = new Interval(0, Quantile(columns[0].Tau, 0.99));
        string[] colors = ["#444444", "#d62728", "#1f77b4"];
        for (int c = 0; c < columns.Length; c++)
        {
            axes.Histogram(columns[c].Tau, bins: 40, density: true, color: colors[c], label: columns[c].Name, alpha: 0.4, range: range);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(figurePath))!);
        figure.Save(figurePath);
        Console.WriteLine($"figure: {figurePath}");
    }

    /// <summary>The sample quantile with linear interpolation between order statistics (type 7, as the model summary's).</summary>
    private static double Quantile(double[] draws, double p)
    {
        var sorted = draws.Order().ToArray();
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        return lo + 1 < sorted.Length ? sorted[lo] + ((h - lo) * (sorted[lo + 1] - sorted[lo])) : sorted[lo];
    }

    private static double[] ReferenceDraws(string path, string parameter)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        int column = json.RootElement.GetProperty("params").EnumerateArray().Select(e => e.GetString()).ToList().IndexOf(parameter);
        return [.. json.RootElement.GetProperty("draws").EnumerateArray().Select(r => r[column].GetDouble())];
    }
}
