using BenchmarkDotNet.Running;
using KlDivergence.Benchmarks;

// `--quick`: the stopwatch workloads of shared/BENCHMARKS.md, one tab-separated line each.
// `--quick --hand`: also the hand-written limit of each workload, on standard error.
// `--posteriordb DIR`: the default fit, full-rank ADVI and Pathfinder on the posteriordb folders under DIR.
// `--ops`: the engine's per-operation timings and W8's allocations and collections, on standard error.
// Anything else goes to BenchmarkDotNet (e.g. `--filter *`).

if (args.SkipWhile(a => a != "--posteriordb").Skip(1).FirstOrDefault() is { } posteriorDb)
{
    KlDivergence.Benchmarks.PosteriorDb.PosteriorDbRunner.Run(posteriorDb, args.SkipWhile(a => a != "--methods").Skip(1).FirstOrDefault());
    return;
}

if (args.Contains("--ops"))
{
    EngineWorkloads.Report();
    return;
}

if (args.Contains("--quick"))
{
    QuickRunner.Run(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickRunner).Assembly).Run(args);
