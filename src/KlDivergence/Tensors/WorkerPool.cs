using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace KlDivergence.Tensors;

/// <summary>
/// The library's own worker threads for <see cref="TensorParallelism"/>: one fewer than the cores, started on first
/// use, each spinning for a short while after a job so that the next op of a fit's step finds it awake, then
/// sleeping. The calling thread takes chunks too, and chunks are claimed one at a time from a shared counter, so a
/// worker that is slow to wake costs nothing but its share. Why not <see cref="Parallel"/>: on the 2-core development
/// VM a Parallel.For of two chunks cost 2-7 µs more than the chunks (its tasks, options and replicas), where this pool
/// costs about 1 µs, so a kernel of a few microseconds a block gains from the cores.
/// </summary>
/// <remarks>
/// One job runs at a time. A second caller while a job runs (another user thread) gets false from
/// <see cref="TryRun"/> and falls back to <see cref="Parallel"/>; a chunk that itself asks for a split (nested) runs
/// it on its own thread. The first exception a chunk throws stops the claiming of further chunks and is rethrown on
/// the caller, unwrapped, as the same code run serially would throw it.
/// </remarks>
internal static class WorkerPool
{
    /// <summary>How long a worker spins for the next job before it sleeps (a fit's ops come microseconds apart).</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    private static readonly object StartLock = new();

    private static Worker[]? workers;

    /// <summary>1 while a job runs.</summary>
    private static int busy;

    /// <summary>The job workers look for, and its number (workers compare numbers, not references, to see a new one).</summary>
    private static Job? current;
    private static int generation;

    /// <summary>True on a thread while it runs chunks of a job: a split asked for there runs inline.</summary>
    [ThreadStatic]
    private static bool inChunk;

    /// <summary>
    /// Runs chunks 0 .. <paramref name="chunkCount"/> - 1 on the calling thread and up to <paramref name="participants"/> - 1
    /// workers: through <paramref name="body"/>, or, when <paramref name="newState"/> is given, through
    /// <paramref name="stateBody"/> with a state each participant makes before its first chunk and hands to
    /// <paramref name="finish"/> after its last. False, having run nothing, when the pool is taken (another caller's
    /// job is running) or has no workers; the caller then splits some other way.
    /// </summary>
    public static bool TryRun(int chunkCount, int participants, Action<int>? body, Func<object>? newState = null, Action<int, object>? stateBody = null, Action<object>? finish = null)
    {
        if (inChunk)
        {
            // Nested inside a chunk: the cores are busy with the outer job already.
            RunInline(chunkCount, body, newState, stateBody, finish);
            return true;
        }

        var pool = Workers();
        if (pool.Length == 0 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            var job = new Job(chunkCount, Math.Min(participants - 1, pool.Length), body, newState, stateBody, finish);
            Volatile.Write(ref current, job);
            Interlocked.Increment(ref generation);
            for (int w = 0; w < job.Seats; w++)
            {
                pool[w].Wake();
            }

            job.Participate();

            // Wait for the workers that took chunks (a worker that has not woken yet finds none left, and is not waited for).
            var spin = new SpinWait();
            while (Volatile.Read(ref job.Inside) != 0)
            {
                spin.SpinOnce(-1);
            }

            job.ThrowIfFailed();
            return true;
        }
        finally
        {
            // Not kept past its end: the job's delegates hold the op's arrays, which the collector should be free to find dead.
            Volatile.Write(ref current, null);
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Every chunk on this thread, in order (the serial form of a job; <see cref="TryRun"/>'s arguments).</summary>
    internal static void RunInline(int chunkCount, Action<int>? body, Func<object>? newState, Action<int, object>? stateBody, Action<object>? finish)
    {
        if (body is not null)
        {
            for (int c = 0; c < chunkCount; c++)
            {
                body(c);
            }

            return;
        }

        var state = newState!();
        for (int c = 0; c < chunkCount; c++)
        {
            stateBody!(c, state);
        }

        finish!(state);
    }

    private static Worker[] Workers()
    {
        if (Volatile.Read(ref workers) is { } started)
        {
            return started;
        }

        lock (StartLock)
        {
            if (workers is null)
            {
                var pool = new Worker[Math.Max(0, Environment.ProcessorCount - 1)];
                for (int w = 0; w < pool.Length; w++)
                {
                    pool[w] = new Worker(w);
                }

                Volatile.Write(ref workers, pool);
            }

            return workers;
        }
    }

    /// <summary>One split: its chunks, claimed one at a time, and the participants inside it.</summary>
    private sealed class Job(int chunkCount, int seats, Action<int>? body, Func<object>? newState, Action<int, object>? stateBody, Action<object>? finish)
    {
        /// <summary>The next chunk to claim (past the count: none left).</summary>
        private int next;

        /// <summary>Seats left for workers: the worker cap less the caller.</summary>
        private int seatsLeft = seats;

        private Exception? error;

        /// <summary>Workers running chunks now.</summary>
        public int Inside;

        public int Seats { get; } = seats;

        /// <summary>A worker's attempt to join: false when every seat is taken.</summary>
        public bool TakeSeat() => Interlocked.Decrement(ref seatsLeft) >= 0;

        /// <summary>Claims and runs chunks until none are left (or one failed).</summary>
        public void Participate()
        {
            object? state = null;
            bool hasState = false;
            inChunk = true;
            try
            {
                int c;
                while ((c = Interlocked.Increment(ref next) - 1) < chunkCount)
                {
                    if (body is not null)
                    {
                        body(c);
                        continue;
                    }

                    if (!hasState)
                    {
                        state = newState!();
                        hasState = true;
                    }

                    stateBody!(c, state!);
                }

                if (hasState)
                {
                    finish!(state!);
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref error, e, null);
                Volatile.Write(ref next, chunkCount);
            }
            finally
            {
                inChunk = false;
            }
        }

        public void ThrowIfFailed()
        {
            if (Volatile.Read(ref error) is { } e)
            {
                ExceptionDispatchInfo.Capture(e).Throw();
            }
        }
    }

    /// <summary>A background thread that joins each new job while it has a seat, spinning between jobs, then sleeping.</summary>
    private sealed class Worker
    {
        /// <summary>The lock a sleeping worker waits on, and whether a job came since it last woke.</summary>
        private readonly object gate = new();
        private bool signalled;

        /// <summary>1 while the thread sleeps (or is about to): a new job must set its event.</summary>
        private int sleeping;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"KlDivergence worker {index + 1}" };
            thread.Start();
        }

        /// <summary>Called after a job is published: sets the event if the thread sleeps.</summary>
        public void Wake()
        {
            // The job's publication (an interlocked increment) precedes this read, and the worker's flag write precedes
            // its read of the job number: one of the two sees the other.
            if (Volatile.Read(ref sleeping) == 1)
            {
                lock (gate)
                {
                    signalled = true;
                    Monitor.Pulse(gate);
                }
            }
        }

        private void Loop()
        {
            int seen = Volatile.Read(ref generation);
            while (true)
            {
                seen = WaitForJob(seen);
                JoinCurrent();
            }
        }

        /// <summary>
        /// Takes chunks of the current job if it has a seat left. A method of its own, so that no reference to the job
        /// stays in the loop's frame while the worker waits for the next one.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void JoinCurrent()
        {
            if (Volatile.Read(ref current) is not { } job)
            {
                // Over before this worker woke.
                return;
            }

            Interlocked.Increment(ref job.Inside);
            if (job.TakeSeat())
            {
                job.Participate();
            }

            Interlocked.Decrement(ref job.Inside);
        }

        /// <summary>Spins until the job number differs from <paramref name="seen"/>, sleeping after a while; returns the new number.</summary>
        private int WaitForJob(int seen)
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                int now = Volatile.Read(ref generation);
                if (now != seen)
                {
                    return now;
                }

                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }

                Interlocked.Exchange(ref sleeping, 1);
                lock (gate)
                {
                    while (!signalled && Volatile.Read(ref generation) == seen)
                    {
                        Monitor.Wait(gate);
                    }

                    signalled = false;
                }

                Interlocked.Exchange(ref sleeping, 0);
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
