using BenchmarkDotNet.Attributes;

namespace KlDivergence.Benchmarks;

/// <summary>
/// The same workloads under BenchmarkDotNet, for deeper runs (confidence intervals, allocation counts):
/// <c>dotnet run -c Release --project tests/KlDivergence.Benchmarks -- --filter *</c>.
/// </summary>
[MemoryDiagnoser]
public class WorkloadBenchmarks
{
    private Dictionary<string, Workload> workloads = [];

    /// <summary>The workload id.</summary>
    [ParamsSource(nameof(Ids))]
    public string Id { get; set; } = "W1";

    /// <summary>Every workload id.</summary>
    public static IEnumerable<string> Ids => Workloads.All().Select(w => w.Id);

    /// <summary>Builds the workloads once.</summary>
    [GlobalSetup]
    public void Setup() => workloads = Workloads.All().ToDictionary(w => w.Id);

    /// <summary>One call through the library.</summary>
    [Benchmark(Baseline = true)]
    public double Library() => workloads[Id].Library();

    /// <summary>The hand-written equivalent (NaN for a workload that has none).</summary>
    [Benchmark]
    public double Hand() => workloads[Id].Hand?.Invoke() ?? double.NaN;
}
