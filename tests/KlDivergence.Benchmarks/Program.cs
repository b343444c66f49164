using BenchmarkDotNet.Running;
using KlDivergence.Benchmarks;

// `--quick`: the stopwatch workloads of shared/BENCHMARKS.md, one tab-separated line each.
// `--quick --hand`: also the hand-written limit of each workload, on standard error.
// Anything else goes to BenchmarkDotNet (e.g. `--filter *`).
if (args.Contains("--quick"))
{
    QuickRunner.Run(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickRunner).Assembly).Run(args);
