namespace KlDivergence.Tensors;

/// <summary>
/// How many cores the library's large element-wise operations, batched closed forms and Monte Carlo estimates may
/// use. Work is cut into chunks of a fixed size that does not depend on the number of workers, each chunk's result
/// is computed on its own and the chunks are combined in chunk order, and each chunk draws from its own random
/// stream derived from the caller's stream and the chunk's index: results are bit-identical for any setting.
/// </summary>
public static class TensorParallelism
{
    private static int maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>
    /// The largest number of workers one operation uses (default <see cref="Environment.ProcessorCount"/>; 1 runs
    /// everything on the calling thread). Changing it changes the speed, never a result.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public static int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref maxDegreeOfParallelism);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(MaxDegreeOfParallelism));
            Volatile.Write(ref maxDegreeOfParallelism, value);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> for chunk indices 0 .. <paramref name="chunkCount"/> - 1, on up to
    /// <see cref="MaxDegreeOfParallelism"/> workers when there are at least two chunks (the library's
    /// <see cref="WorkerPool"/>, or <see cref="Parallel"/> while another caller holds the pool); the body must write
    /// only its own chunk's results.
    /// </summary>
    internal static void For(int chunkCount, Action<int> body)
    {
        int workers = Math.Min(MaxDegreeOfParallelism, chunkCount);
        if (workers <= 1)
        {
            WorkerPool.RunInline(chunkCount, body, null, null, null);
            return;
        }

        if (!WorkerPool.TryRun(chunkCount, workers, body))
        {
            Parallel.For(0, chunkCount, Options(workers), body);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> for chunk indices 0 .. <paramref name="chunkCount"/> - 1 as
    /// <see cref="For(int, Action{int})"/> does, each worker with a state of its own: made by
    /// <paramref name="newState"/> before its first chunk and handed to <paramref name="finish"/> after its last (on
    /// the worker's thread, so <paramref name="finish"/> must synchronise what it shares). Which chunks a state sees
    /// depends on the scheduling, so only what does not depend on that (the chunks' results, or a combination whose
    /// outcome is order-free) may reach a result.
    /// </summary>
    internal static void For<TState>(int chunkCount, Func<TState> newState, Action<int, TState> body, Action<TState> finish)
    {
        int workers = Math.Min(MaxDegreeOfParallelism, chunkCount);
        if (workers <= 1)
        {
            var state = newState();
            for (int c = 0; c < chunkCount; c++)
            {
                body(c, state);
            }

            finish(state);
            return;
        }

        if (WorkerPool.TryRun(chunkCount, workers, null, () => newState()!, (c, state) => body(c, (TState)state), state => finish((TState)state)))
        {
            return;
        }

        Parallel.For(
            0,
            chunkCount,
            Options(workers),
            newState,
            (c, _, state) =>
            {
                body(c, state);
                return state;
            },
            finish);
    }

    /// <summary>
    /// At most <paramref name="workers"/> workers from the thread pool, whatever scheduler the caller runs under: the
    /// library's own splits are its business, so a caller's scheduler (one that runs a task at a time, or a user
    /// interface's) never queues or serialises them.
    /// </summary>
    private static ParallelOptions Options(int workers) => new() { MaxDegreeOfParallelism = workers, TaskScheduler = TaskScheduler.Default };

    /// <summary>The number of chunks of at most <paramref name="chunkSize"/> elements that cover <paramref name="length"/>.</summary>
    internal static int ChunkCount(int length, int chunkSize) => length == 0 ? 0 : ((length - 1) / chunkSize) + 1;
}
