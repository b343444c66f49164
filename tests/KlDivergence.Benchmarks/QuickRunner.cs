using System.Diagnostics;
using System.Globalization;

namespace KlDivergence.Benchmarks;

/// <summary>
/// Times each workload with a stopwatch: warm-up until the JIT has tiered up, then the median of repeats.
/// Prints "Id\tseconds-per-unit" on standard output and, on standard error, the hand-written time and the
/// ratios to PyTorch's column and to the hand-written limit.
/// </summary>
internal static class QuickRunner
{
    public static void Run(string[] args)
    {
        string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        foreach (var w in Workloads.All())
        {
            if (only is not null && !only.Split(',').Contains(w.Id))
            {
                continue;
            }

            double lib = Median(w.Library, w.UnitsPerCall);
            double hand = Median(w.Hand, w.UnitsPerCall);
            if (w.OnStandardOutput)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{w.Id}\t{lib:G4}"));
            }

            Console.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"# {w.Id}: library {lib:G4} s/unit, {(w.Id == "RNG" ? "MathNet" : "hand-written")} {hand:G4} s/unit, library/{(w.Id == "RNG" ? "MathNet" : "hand")} {lib / hand:F2}x, PyTorch/library {w.PyTorchSeconds / lib:F1}x"));
        }
    }

    /// <summary>Median seconds per unit over at least 7 timed batches, after a warm-up of at least 0.5 s.</summary>
    private static double Median(Func<double> body, int unitsPerCall)
    {
        double sink = 0;
        var warm = Stopwatch.StartNew();
        int calls = 0;
        while (warm.Elapsed.TotalSeconds < 0.5 || calls < 3)
        {
            sink += body();
            calls++;
        }

        // Size a batch to take about 0.1 s.
        double perCall = warm.Elapsed.TotalSeconds / calls;
        int batch = Math.Max(1, (int)(0.1 / perCall));
        var times = new List<double>();
        for (int r = 0; r < 7; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < batch; i++)
            {
                sink += body();
            }

            times.Add(sw.Elapsed.TotalSeconds / batch / unitsPerCall);
        }

        if (double.IsNaN(sink))
        {
            Console.Error.WriteLine("# (a workload produced NaN)");
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
