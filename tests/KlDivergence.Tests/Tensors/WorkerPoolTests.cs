using System.Collections.Concurrent;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// The library's worker threads (<see cref="WorkerPool"/>, behind <see cref="TensorParallelism"/>): every chunk runs
/// exactly once, on more than one thread when the cores allow, after the workers have gone to sleep as well as while
/// they spin; a chunk's exception reaches the caller unwrapped; a split inside a chunk and two callers at once
/// both finish with every chunk done.
/// </summary>
public class WorkerPoolTests
{
    /// <summary>Runs <paramref name="chunks"/> chunks that each sleep <paramref name="sleepMs"/> ms; returns how often each ran and the threads used.</summary>
    private static (int[] Runs, int Threads) Split(int chunks, int sleepMs, int workers = 2)
    {
        var runs = new int[chunks];
        var threads = new ConcurrentDictionary<int, bool>();
        Workers.With(workers, () => TensorParallelism.For(chunks, c =>
        {
            threads[Environment.CurrentManagedThreadId] = true;
            Interlocked.Increment(ref runs[c]);
            if (sleepMs > 0)
            {
                Thread.Sleep(sleepMs);
            }
        }));
        return (runs, threads.Count);
    }

    [Fact]
    public void EveryChunkRunsOnceAndTheWorkersTakeSomeWhetherSpinningOrAsleep()
    {
        // Chunks of 5 ms leave a spinning or sleeping worker time to join; on a busy machine a worker may still miss one
        // job, so each case gets a few tries (a worker that never joins, or never wakes, fails all of them).
        bool multicore = Environment.ProcessorCount > 1;
        int UsedThreads()
        {
            int most = 0;
            for (int attempt = 0; attempt < 5 && most < 2; attempt++)
            {
                var (runs, threads) = Split(8, 5);
                runs.Should().OnlyContain(n => n == 1);
                most = Math.Max(most, threads);
            }

            return most;
        }

        if (multicore)
        {
            UsedThreads().Should().Be(2);

            // Long past the workers' spin (50 µs): they sleep, and a new job must wake them.
            Thread.Sleep(30);
            UsedThreads().Should().Be(2);
        }

        // Many short jobs back to back: no chunk lost or run twice when workers join late or not at all.
        for (int job = 0; job < 2000; job++)
        {
            Split(3 + (job % 5), 0).Runs.Should().OnlyContain(n => n == 1);
        }
    }

    [Fact]
    public void OneWorkerRunsEveryChunkOnTheCallingThread()
    {
        int caller = Environment.CurrentManagedThreadId;
        var threads = new ConcurrentDictionary<int, bool>();
        Workers.With(1, () => TensorParallelism.For(6, _ => threads[Environment.CurrentManagedThreadId] = true));
        threads.Keys.Should().Equal([caller]);
    }

    [Fact]
    public void AChunksExceptionReachesTheCallerUnwrappedAndStopsTheJob()
    {
        int ran = 0;
        var act = () => Workers.With(2, () => TensorParallelism.For(1000, c =>
        {
            Interlocked.Increment(ref ran);
            if (c == 3)
            {
                throw new ArgumentOutOfRangeException("scale", -1.0, "a chunk's own message");
            }

            Thread.Sleep(1);
        }));
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("a chunk's own message*").And.ParamName.Should().Be("scale");
        ran.Should().BeLessThan(1000, "no chunk is claimed once one has failed");

        // The pool is free again and whole.
        Split(5, 0).Runs.Should().OnlyContain(n => n == 1);
    }

    [Fact]
    public void ASplitInsideAChunkAndTwoCallersAtOnceFinishEveryChunk()
    {
        var inner = new int[6 * 7];
        Workers.With(2, () => TensorParallelism.For(6, c => TensorParallelism.For(7, d => Interlocked.Increment(ref inner[(c * 7) + d]))));
        inner.Should().OnlyContain(n => n == 1);

        // Two threads split at once: one holds the pool, the other falls back; both see all their chunks.
        var results = new int[2][];
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var runs = new int[400];
            for (int job = 0; job < 50; job++)
            {
                TensorParallelism.For(8, c => Interlocked.Increment(ref runs[(job * 8) + c]));
            }

            results[t] = runs;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        results.Should().AllSatisfy(runs => runs.Should().OnlyContain(n => n == 1));
    }

    [Fact]
    public void EachParticipantsStateSeesItsChunksAndIsFinishedOnce()
    {
        var seen = new ConcurrentBag<int>();
        int states = 0, finished = 0;
        Workers.With(2, () => TensorParallelism.For(
            64,
            () =>
            {
                Interlocked.Increment(ref states);
                return new List<int>();
            },
            (c, list) =>
            {
                list.Add(c);
                Thread.Sleep(1);
            },
            list =>
            {
                Interlocked.Increment(ref finished);
                foreach (int c in list)
                {
                    seen.Add(c);
                }
            }));
        seen.Order().Should().Equal(Enumerable.Range(0, 64));
        finished.Should().Be(states);
        states.Should().BeInRange(1, 2);
    }

    [Fact]
    public void AFinishedJobKeepsNothingItsChunksCaptured()
    {
        // The pool's job reference outliving the job kept its delegates, and with them the op's arrays, from the collector.
        var alive = SplitOverACapturedObject();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        alive.IsAlive.Should().BeFalse();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference SplitOverACapturedObject()
    {
        var captured = new double[1000];
        Workers.With(2, () => TensorParallelism.For(4, c => captured[c] = c));
        return new WeakReference(captured);
    }
}
