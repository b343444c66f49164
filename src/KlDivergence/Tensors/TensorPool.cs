using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace KlDivergence.Tensors;

/// <summary>
/// Arrays of doubles kept for reuse, bucketed by exact length (a tensor's length is its array's length, so a
/// pooled array must fit exactly). Arrays come back two ways:
/// <list type="bullet">
/// <item><see cref="GradientPass"/> returns arrays whose every reader it has seen finish.</item>
/// <item>Large arrays (on the large object heap) are reclaimed when the garbage collector finds them unreachable:
/// each carries a finalizable <see cref="Lease"/> through a <see cref="ConditionalWeakTable{TKey, TValue}"/>, so the
/// lease dies exactly when its array does, and its finalizer resurrects the array into the pool. No tensor, span or
/// caller's variable can still see such an array, so reuse never aliases anything reachable.</item>
/// </list>
/// Why: a fresh large array costs its first-touch page faults, and the collector hands freed large-object memory
/// back to the operating system, so every fresh result of a fit's step faults again (measured on the 2-core
/// development VM: about 2 µs per KiB, a fresh 400 KiB mini-batch 0.9 ms against 0.07 ms to fill a reused one).
/// Large objects are only found dead by a full collection; when the pool runs dry after enough large arrays were
/// handed out since the last one, it asks for one itself (see <see cref="ReclaimBudgetBytes"/>).
/// </summary>
internal static class TensorPool
{
    /// <summary>At most this many small arrays are kept per length (the rest go to the garbage collector); large ones are bounded by <see cref="MaxHeld"/> only.</summary>
    private const int PerLength = 16;

    /// <summary>
    /// At most this many elements (default 256 MiB) are kept in all, so a burst of large work does not pin memory for
    /// good; over it the lengths used longest ago are dropped. Settable for tests.
    /// </summary>
    internal static long MaxHeld { get; set; } = 32L << 20;

    /// <summary>Arrays shorter than this are cheaper to allocate than to look up.</summary>
    internal const int MinLength = 64;

    /// <summary>Arrays this long or longer land on the large object heap (85 000 bytes), whose memory is the one that faults afresh.</summary>
    internal const int LargeLength = 85_000 / sizeof(double);

    /// <summary>How long a rent waits for the leases' finalizers after an induced collection.</summary>
    private static readonly TimeSpan FinalizerWaitLimit = TimeSpan.FromMilliseconds(50);

    /// <summary>The fewest bytes handed out between two induced collections (4 MiB).</summary>
    private const long MinReclaimBudget = 4L << 20;

    /// <summary>The most bytes handed out between two induced collections (128 MiB, half of what the pool holds by default); beyond it none is induced.</summary>
    private const long MaxReclaimBudget = 128L << 20;

    /// <summary>
    /// How far the budget grows with the process's large work (16 MiB): the arrays handed out between two collections
    /// are the ones reused, and once they outgrow the last-level cache every one comes back cold. On the development VM
    /// (32 MiB L3), Σ (x + b)² with its gradient over [1000, 100] took 90 µs a step at 12-16 MiB, 108 µs at 32 MiB and
    /// 120 µs at 128 MiB; a Max over the same shape 35-37 µs at 16-32 MiB, 73-78 µs at 4 MiB.
    /// </summary>
    private const long CacheFriendlyBudget = 16L << 20;

    private static readonly Dictionary<int, Bucket> Buckets = [];
    private static readonly ConditionalWeakTable<double[], Lease> Leases = [];

    private static long clock;
    private static long held;

    /// <summary>Bytes of large arrays handed out since the full collection counted in <see cref="lastFullCollection"/>.</summary>
    private static long largeBytesSinceCollection;

    /// <summary>A fixed budget in place of the measured one, for tests (null: measured).</summary>
    internal static long? BudgetForTests { get; set; }

    /// <summary>Bytes of large arrays handed out since the process started (it sizes the budget).</summary>
    private static long largeBytesInAll;
    private static int lastFullCollection = -1;
    private static int reclaiming;

    /// <summary>Measured cost of one induced full collection and finalizer wait, in stopwatch ticks (0 until measured).</summary>
    private static long collectionTicks;

    /// <summary>Measured first-touch cost of fresh large memory, in stopwatch ticks per MiB (0 until measured).</summary>
    private static double faultTicksPerMiB;

    /// <summary>
    /// Large bytes handed out between induced collections, from the measured cost C of a collection and f of fresh
    /// memory per byte. A budget B costs B f of fresh memory once and C per B handed out, so after T bytes in all the
    /// total B f + (T / B) C is least at B = √(T C / f): the budget grows with the process's large work, up to
    /// <see cref="CacheFriendlyBudget"/> (beyond it the reused arrays are cache-cold, a cost the model leaves out). It
    /// is at least 4 C / f (a collection costs at most a quarter of faulting the bytes it brings back) and 4 MiB, at
    /// most 128 MiB. When 4 C / f is over 128 MiB (a large heap, or cheap page faults), or
    /// <see cref="TensorMemory.InduceCollections"/> is off, none is induced and arrays come back at the
    /// application's own full collections.
    /// </summary>
    internal static long ReclaimBudgetBytes
    {
        get
        {
            if (!TensorMemory.InduceCollections)
            {
                return long.MaxValue;
            }

            if (BudgetForTests is { } fixedBudget)
            {
                return fixedBudget;
            }

            if (collectionTicks == 0 || faultTicksPerMiB <= 0)
            {
                return MinReclaimBudget;
            }

            double costRatio = collectionTicks / faultTicksPerMiB * (1 << 20); // C / f, in bytes
            double floor = 4.0 * costRatio;
            if (floor > MaxReclaimBudget)
            {
                return long.MaxValue;
            }

            double grown = Math.Min(Math.Sqrt(Interlocked.Read(ref largeBytesInAll) * costRatio), CacheFriendlyBudget);
            return Math.Clamp((long)Math.Max(floor, grown), MinReclaimBudget, MaxReclaimBudget);
        }
    }

    /// <summary>Whether the first-touch cost of fresh large memory has been measured (it sizes <see cref="ReclaimBudgetBytes"/>).</summary>
    internal static bool FreshMemoryCostMeasured => faultTicksPerMiB > 0;

    /// <summary>Forgets the measured first-touch cost, for tests.</summary>
    internal static void ForgetFreshMemoryCostForTests() => faultTicksPerMiB = 0;

    /// <summary>An array of exactly <paramref name="length"/> elements with unspecified contents.</summary>
    public static double[] Rent(int length)
    {
        if (length < MinLength)
        {
            return GC.AllocateUninitializedArray<double>(length);
        }

        if (TryTake(length) is { } pooled)
        {
            StepArena.OnRent(pooled);
            return pooled;
        }

        var fresh = GC.AllocateUninitializedArray<double>(length);
        if (length >= LargeLength)
        {
            TouchMeasured(fresh);
            Lend(fresh);
        }

        StepArena.OnRent(fresh);
        return fresh;
    }

    /// <summary>
    /// An array of exactly <paramref name="length"/> zeros: a pooled one cleared, else a new one from the collector,
    /// whose fresh pages are zero already and are only touched where written (a sparse scatter into a large
    /// gradient then costs what it writes, not the array's size).
    /// </summary>
    public static double[] RentZeroed(int length)
    {
        if (length < MinLength)
        {
            return new double[length];
        }

        if (TryTake(length) is { } pooled)
        {
            pooled.AsSpan().Clear();
            StepArena.OnRent(pooled);
            return pooled;
        }

        var fresh = new double[length];
        if (length >= LargeLength)
        {
            if (faultTicksPerMiB == 0)
            {
                // The reclaim budget needs the cost of fresh memory; a process that only ever asks for zeroed large
                // arrays (leaf gradients) would otherwise never measure it and collect at the smallest budget forever.
                TouchMeasured(fresh);
            }

            Lend(fresh);
        }

        StepArena.OnRent(fresh);
        return fresh;
    }

    /// <summary>Takes back an array nobody reads any more.</summary>
    public static void Return(double[] array)
    {
        if (array.Length < MinLength)
        {
            return;
        }

        lock (Buckets)
        {
            if (!Buckets.TryGetValue(array.Length, out var bucket))
            {
                bucket = new Bucket();
                Buckets[array.Length] = bucket;
            }

            if ((bucket.Count >= PerLength && array.Length < LargeLength) || array.Length > MaxHeld)
            {
                return;
            }

            // Over the cap, the lengths asked for least recently make room: a fit's lengths stay, old ones go.
            while (held + array.Length > MaxHeld && LeastRecentlyUsed(array.Length) is { } stale)
            {
                held -= stale.Length * (long)Buckets[stale.Length].Count;
                Buckets.Remove(stale.Length);
            }

            bucket.Push(array);
            held += array.Length;
            bucket.LastUse = ++clock;
        }
    }

    /// <summary>An array of the non-empty bucket used longest ago other than <paramref name="keep"/>'s (null if none); call under the lock.</summary>
    private static double[]? LeastRecentlyUsed(int keep)
    {
        double[]? oldest = null;
        long oldestUse = long.MaxValue;
        foreach (var (length, bucket) in Buckets)
        {
            long use = bucket.LastUse;
            if (length != keep && bucket.Count > 0 && use < oldestUse)
            {
                oldestUse = use;
                oldest = bucket.Peek();
            }
        }

        return oldest;
    }

    /// <summary>
    /// A pooled array of that length; for a large one, when the pool ran dry with the budget handed out since the
    /// last full collection, a blocking collection first brings back the dead ones.
    /// </summary>
    private static double[]? TryTake(int length)
    {
        if (Pop(length) is { } array)
        {
            if (length >= LargeLength)
            {
                Lend(array);
            }

            return array;
        }

        if (length < LargeLength || LargeBytesSinceCollection() < ReclaimBudgetBytes)
        {
            return null;
        }

        Reclaim(length);
        if (Pop(length) is { } reclaimed)
        {
            Lend(reclaimed);
            return reclaimed;
        }

        return null;
    }

    private static double[]? Pop(int length)
    {
        lock (Buckets)
        {
            if (Buckets.TryGetValue(length, out var bucket) && bucket.Count > 0)
            {
                held -= length;
                bucket.LastUse = ++clock;
                return bucket.Pop();
            }
        }

        return null;
    }

    /// <summary>Whether an array of <paramref name="length"/> elements is in the pool.</summary>
    private static bool Holds(int length)
    {
        lock (Buckets)
        {
            return Buckets.TryGetValue(length, out var bucket) && bucket.Count > 0;
        }
    }

    /// <summary>Bytes of large arrays handed out since the last full collection (ours or anyone's).</summary>
    private static long LargeBytesSinceCollection()
    {
        lock (Buckets)
        {
            SyncWithCollector();
            return largeBytesSinceCollection;
        }
    }

    /// <summary>
    /// A blocking full collection, then a wait (at most <see cref="FinalizerWaitLimit"/>) until the leases' finalizers,
    /// which put the dead large arrays back, have brought back one of <paramref name="length"/> elements (the others
    /// follow while the caller works).
    /// Only one thread does it at a time; the pool's lock is not held, since the finalizers take it.
    /// </summary>
    private static void Reclaim(int length)
    {
        if (Interlocked.Exchange(ref reclaiming, 1) == 1)
        {
            return;
        }

        try
        {
            long start = Stopwatch.GetTimestamp();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);

            // Until an array of this length is back, or every finalizer has run (none of this length was dead), or the
            // time limit: the caller may hold a lock some other finalizer needs, so the wait for all of them runs on
            // another thread and a plain wait could never end. Stopping at the first array of the length instead of
            // the last finalizer cut a collection from 440-650 to 135-230 µs on the 2-core VM. Past the limit this
            // rent allocates afresh.
            var drained = Task.Run(GC.WaitForPendingFinalizers);
            long deadline = start + (long)(FinalizerWaitLimit.TotalSeconds * Stopwatch.Frequency);
            while (!Holds(length) && !drained.IsCompleted && Stopwatch.GetTimestamp() < deadline)
            {
                Thread.Yield();
            }

            long ticks = Stopwatch.GetTimestamp() - start;
            collectionTicks = collectionTicks == 0 ? ticks : (collectionTicks + ticks) / 2;
            lock (Buckets)
            {
                SyncWithCollector();
            }
        }
        finally
        {
            Volatile.Write(ref reclaiming, 0);
        }
    }

    /// <summary>Restarts the count of large bytes handed out when a full collection has happened since it began.</summary>
    private static void SyncWithCollector()
    {
        int collections = GC.CollectionCount(2);
        if (collections != lastFullCollection)
        {
            lastFullCollection = collections;
            largeBytesSinceCollection = 0;
        }
    }

    /// <summary>Ties a large array to a fresh lease, so the pool gets it back once nothing reaches it.</summary>
    private static void Lend(double[] array)
    {
        // An array keeps one lease for life: replacing it would let the old one's finalizer return an array in use.
        // A lease whose finalizer already ran (the array came back through it) is armed again.
        if (!Leases.TryGetValue(array, out var lease))
        {
            Leases.Add(array, new Lease(array));
        }
        else if (lease.Finalized)
        {
            lease.Finalized = false;
            GC.ReRegisterForFinalize(lease);
        }

        lock (Buckets)
        {
            SyncWithCollector();
            largeBytesSinceCollection += (long)array.Length * sizeof(double);
            largeBytesInAll += (long)array.Length * sizeof(double);
        }
    }

    /// <summary>Writes one element per 4 KiB page of a fresh array (the caller would fault them anyway) and times it.</summary>
    private static void TouchMeasured(double[] array)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < array.Length; i += 512)
        {
            array[i] = 0;
        }

        double mib = array.Length * (double)sizeof(double) / (1 << 20);
        double perMiB = (Stopwatch.GetTimestamp() - start) / mib;
        faultTicksPerMiB = faultTicksPerMiB == 0 ? perMiB : (faultTicksPerMiB + perMiB) / 2;
    }

    /// <summary>
    /// Finalized exactly when its array became unreachable (the weak table keeps it alive only as long as the
    /// array), at which point it holds the only reference to the array and hands it back to the pool.
    /// </summary>
    private sealed class Lease(double[] array)
    {
        /// <summary>Set before the array goes back, so whoever takes it next re-arms this lease.</summary>
        internal volatile bool Finalized;

        ~Lease()
        {
            Finalized = true;
            if (!Environment.HasShutdownStarted)
            {
                Return(array);
            }
        }
    }

    /// <summary>The arrays kept for one length, and when the length was last taken or given back (a logical clock, to evict the stalest over the cap).</summary>
    private sealed class Bucket : Stack<double[]>
    {
        public long LastUse { get; set; }
    }
}
