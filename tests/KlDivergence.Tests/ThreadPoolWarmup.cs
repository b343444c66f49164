using System.Runtime.CompilerServices;

namespace KlDivergence.Tests;

/// <summary>
/// Gives the thread pool enough threads from the start for the library's fallback splits (<see cref="Parallel"/>, taken
/// while another test holds the library's own workers) to run on real workers under the test runner. Measured here
/// before: a Parallel.For of three 30 ms iterations ran all three on the test's thread with one work item left
/// pending, the pool's few threads (as many as cores) apparently held by the runner's own work, until its starvation
/// check added one (half a second or more); so the tests that hold results equal across worker counts could run every
/// chunk on one thread.
/// </summary>
internal static class ThreadPoolWarmup
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out int workers, out int completion);
        ThreadPool.SetMinThreads(Math.Max(workers, (4 * Environment.ProcessorCount) + 4), completion);
    }
}
