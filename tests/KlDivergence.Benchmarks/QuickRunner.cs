using System.Diagnostics;
using System.Globalization;

namespace KlDivergence.Benchmarks;

/// <summary>
/// Times each workload with a stopwatch: warm-up until the JIT has tiered up, then the median of repeats.
/// Prints "Id\tseconds-per-unit" on standard output and, on standard error, the hand-written time and the
/// ratios to PyTorch's column and to the hand-written limit. With <c>--pytorch</c> it also times the same workload
/// in PyTorch on this machine right after the .NET one (reference/pytorch_workloads.py, run by the Python given
/// with <c>--python</c>, default /usr/bin/python3 with Debian's python3-torch), so that ratio is taken in one run.
/// </summary>
internal static class QuickRunner
{
    public static void Run(string[] args)
    {
        string? only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        bool pytorch = args.Contains("--pytorch");
        string python = args.SkipWhile(a => a != "--python").Skip(1).FirstOrDefault() ?? "/usr/bin/python3";
        foreach (var w in Workloads.All())
        {
            if (only is not null && !only.Split(',').Contains(w.Id))
            {
                continue;
            }

            double lib = Median(w.Library, w.UnitsPerCall);
            double hand = w.Hand is null ? double.NaN : Median(w.Hand, w.UnitsPerCall);
            if (w.OnStandardOutput)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{w.Id}\t{lib:G4}"));
            }

            Console.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"# {w.Id}: library {lib:G4} s/unit, {(w.Id == "RNG" ? "MathNet" : "hand-written")} {hand:G4} s/unit, library/{(w.Id == "RNG" ? "MathNet" : "hand")} {lib / hand:F2}x, PyTorch/library {w.PyTorchSeconds / lib:F1}x"));
            if (pytorch && w.OnStandardOutput)
            {
                double torch = PyTorchHere(python, w.Id);
                Console.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"# {w.Id}: PyTorch on this machine {torch:G4} s/unit, PyTorch here/library {torch / lib:F1}x, PyTorch here/BENCHMARKS.md column {torch / w.PyTorchSeconds:F2}"));
            }
        }
    }

    /// <summary>Runs one workload of reference/pytorch_workloads.py and returns its median seconds per unit (NaN if it fails).</summary>
    private static double PyTorchHere(string python, string id)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "reference", "pytorch_workloads.py");
        var start = new ProcessStartInfo(python, [script, "--only", id]) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(id + "\t", StringComparison.Ordinal));
            if (process.ExitCode != 0 || line is null)
            {
                Console.Error.WriteLine($"# {id}: PyTorch run failed ({python}): {errors.Trim().Split('\n').LastOrDefault()}");
                return double.NaN;
            }

            return double.Parse(line.Split('\t')[1], CultureInfo.InvariantCulture);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"# {id}: cannot start {python}: {e.Message}");
            return double.NaN;
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
