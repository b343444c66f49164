using System.Runtime.CompilerServices;

namespace KlDivergence.Tests;

/// <summary>
/// Gives the thread pool enough threads from the start for the library's splits to run on real workers under the test
/// runner. The runner keeps the pool's few threads (as many as cores) busy with test classes, so a split's second
/// chunk waited in the queue until the pool's starvation check added a thread (half a second or more) and the tests
/// that hold results equal across worker counts ran every chunk on one thread. Measured here: a Parallel.For of three
/// 30 ms iterations ran all three on the test's thread with one work item left pending.
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
