namespace KlDivergence.Benchmarks;

/// <summary>One timed workload: its id, the library version, the hand-written version, and units per call.</summary>
/// <param name="Id">The id of shared/BENCHMARKS.md (W1, W1b, ...).</param>
/// <param name="Library">One call through the public API.</param>
/// <param name="Hand">The same work written by hand (plain loops, TensorPrimitives, derived gradients), or for RNG the fastest other managed generator; null when there is none.</param>
/// <param name="UnitsPerCall">How many units (calls, pairs, samples, fits) one call does.</param>
/// <param name="PyTorchSeconds">The PyTorch column of BENCHMARKS.md, seconds per unit (NaN if none).</param>
/// <param name="OnStandardOutput">True for the W-workloads of BENCHMARKS.md; extra measurements go to standard error only.</param>
public sealed record Workload(string Id, Func<double> Library, Func<double>? Hand, int UnitsPerCall, double PyTorchSeconds, bool OnStandardOutput = true);
