using System.Diagnostics;
using KlDivergence.Samples.DiscreteKl;
using KlDivergence.Samples.ForwardReverseKl;
using KlDivergence.Samples.UnderstandingKl;

namespace KlDivergence.Samples.Tour;

/// <summary>
/// Runs every notebook sample in turn, in quick mode, each writing its figures into a sub-folder of one output
/// folder, and says where the figures went. Returns non-zero if any sample fails.
/// </summary>
public static class TourSample
{
    /// <summary>The samples the tour runs, in order: (folder name, entry point).</summary>
    private static readonly (string Name, Func<string[], TextWriter, int> Run)[] Samples =
    [
        ("understanding-kl", UnderstandingKlSample.Run),
        ("forward-reverse-kl", ForwardReverseKlSample.Run),
        ("discrete-kl", DiscreteKlSample.Run),
    ];

    /// <summary>Runs the tour. Arguments: <c>[--out DIR]</c> (default <c>./figures</c>).</summary>
    /// <returns>0 when every sample succeeded, 1 when one failed, 2 for bad arguments.</returns>
    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string root = "figures";
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length)
            {
                root = args[++i];
            }
            else
            {
                output.WriteLine($"Unknown or incomplete argument '{args[i]}'. Usage: [--out DIR]");
                return 2;
            }
        }

        int failures = 0;
        foreach (var (name, run) in Samples)
        {
            string dir = Path.GetFullPath(Path.Combine(root, name));
            output.WriteLine($"=== {name} (quick mode) ===");
            var watch = Stopwatch.StartNew();
            int code;
            try
            {
                code = run(["--quick", "--out", dir], output);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                output.WriteLine($"{name} failed: {e.GetType().Name}: {e.Message}");
                code = 1;
            }

            output.WriteLine(code == 0
                ? $"{name}: done in {watch.Elapsed.TotalSeconds:F1} s; figures in {dir}"
                : $"{name}: FAILED with exit code {code}");
            failures += code == 0 ? 0 : 1;
        }

        output.WriteLine(failures == 0
            ? $"All {Samples.Length} samples ran. Open the SVG files under {Path.GetFullPath(root)} in a browser (animations play there)."
            : $"{failures} of {Samples.Length} samples failed.");
        return failures == 0 ? 0 : 1;
    }
}
