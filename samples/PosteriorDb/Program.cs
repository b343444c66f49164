using System.Globalization;
using KlDivergence.Models;

namespace KlDivergence.Samples.PosteriorDb;

/// <summary>
/// Fits each posteriordb model (full-rank normal, fixed seed) and prints its posterior summary; with <c>--flow</c>,
/// fits eight schools with a RealNVP flow instead and prints tau's quantiles against the reference (<see cref="EightSchoolsFlow"/>).
/// </summary>
public static class Program
{
    /// <summary>Runs the fits. Arguments: <c>[--data DIR] [--steps N] [--flow]</c>.</summary>
    /// <returns>0 on success, 2 on bad arguments.</returns>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string dataDirectory = PosteriorDbModels.DefaultDataDirectory;
        int steps = 10000;
        bool flow = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--data" && i + 1 < args.Length)
            {
                dataDirectory = args[++i];
            }
            else if (args[i] == "--steps" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out steps) && steps > 0)
            {
                i++;
            }
            else if (args[i] == "--flow")
            {
                flow = true;
            }
            else
            {
                Console.Error.WriteLine("usage: PosteriorDb [--data DIR] [--steps N] [--flow]");
                return 2;
            }
        }

        if (flow)
        {
            EightSchoolsFlow.Run(dataDirectory, steps, Path.Combine("figures", "posteriordb", "eight-schools-tau.svg"));
            return 0;
        }

        foreach (var folder in PosteriorDbModels.Folders)
        {
            var model = PosteriorDbModels.ByFolderName(folder, dataDirectory);
            var fit = model.Fit(new ModelFitOptions { Surrogate = SurrogateFamily.FullRank, Steps = steps, Seed = 1 });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {folder}: full-rank normal, {steps} steps, final ELBO {fit.ElboTrace[^1]:F2}"));
            Console.WriteLine(fit.Summary(4000, seed: 2));
        }

        return 0;
    }
}
