using System.Runtime.CompilerServices;
using FluentAssertions;
using KlDivergence.Tensors;

namespace KlDivergence.Tests.Tensors;

/// <summary>
/// Large arrays (large object heap) come back to the pool only when the garbage collector finds them unreachable.
/// Each test uses its own length; the class runs alone (the pool and its cap are process-wide).
/// </summary>
[Collection(nameof(LargeArrayReclaimTests))]
public class LargeArrayReclaimTests
{
    // A long weak reference (tracking resurrection) still sees the array its lease's finalizer brought back.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RentAndDrop(int length) => new(TensorPool.Rent(length), trackResurrection: true);

    private static void CollectFully()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void AnUnreachableLargeArrayIsHandedOutAgain()
    {
        // Three tries: once, under heavy load, the array did not come back (the pool's bound is shared with every
        // test and process-wide collections); a reclaim that never works fails all three.
        int length = TensorPool.LargeLength + 101;
        bool cameBack = false;
        for (int attempt = 0; attempt < 3 && !cameBack; attempt++)
        {
            var dropped = RentAndDrop(length);
            CollectFully();
            cameBack = ReferenceEquals(TensorPool.Rent(length), dropped.Target);
        }

        cameBack.Should().BeTrue("the dead array came back through its lease's finalizer");
    }

    [Fact]
    public void AReachableLargeArrayIsNeverHandedOutAgain()
    {
        int length = TensorPool.LargeLength + 102;
        var held = TensorPool.Rent(length);
        held.AsSpan().Fill(7.0);
        for (int round = 0; round < 3; round++)
        {
            CollectFully();
            var other = TensorPool.Rent(length);
            ReferenceEquals(other, held).Should().BeFalse();
            other.AsSpan().Fill(-1.0);
        }

        held.Should().OnlyContain(v => v == 7.0, "nothing else wrote into an array a caller still holds");
    }

    [Fact]
    public void AnArrayReturnedByHandThenRentedAgainIsNotReturnedWhileInUse()
    {
        // Returned explicitly (as a backward pass does), rented again and held: its lease must stay armed, not fire.
        int length = TensorPool.LargeLength + 103;
        var first = TensorPool.Rent(length);
        TensorPool.Return(first);
        var again = TensorPool.Rent(length);
        ReferenceEquals(again, first).Should().BeTrue();
        again.AsSpan().Fill(3.0);
        CollectFully();
        var other = TensorPool.Rent(length);
        ReferenceEquals(other, again).Should().BeFalse();
        other.AsSpan().Fill(-1.0);
        again.Should().OnlyContain(v => v == 3.0);
    }

    [Fact]
    public void AReclaimedArrayIsReclaimedAgainAfterItsSecondUse()
    {
        // The lease re-arms when its array is handed out again, so the second death returns it too.
        int length = TensorPool.LargeLength + 104;
        var dropped = RentAndDrop(length);
        CollectFully();
        var second = RentAndDropSame(length, dropped);
        CollectFully();
        ReferenceEquals(TensorPool.Rent(length), second.Target).Should().BeTrue();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RentAndDropSame(int length, WeakReference previous)
    {
        var array = TensorPool.Rent(length);
        ReferenceEquals(array, previous.Target).Should().BeTrue();
        return new WeakReference(array, trackResurrection: true);
    }

    [Fact]
    public void LargeTensorResultsHeldAcrossManyStepsNeverChange()
    {
        // Many large results die and are reused while a few are held; the held ones must keep their values.
        var x = Tensor.FromArray(GradCheck.RandomValues(20_000, 5), [20_000]);
        var held = new List<(Tensor Tensor, double[] Copy)>();
        for (int step = 0; step < 200; step++)
        {
            var y = (x * (step + 1.0)).Exp();
            if (step % 40 == 0)
            {
                held.Add((y, y.Values.ToArray()));
            }

            if (step % 50 == 0)
            {
                CollectFully();
            }
        }

        foreach (var (tensor, copy) in held)
        {
            tensor.Values.ToArray().Should().Equal(copy);
        }
    }

    [Fact]
    public void ZeroedLargeArraysAloneMeasureTheCostOfFreshMemory()
    {
        // Leaf gradients come only through RentZeroed: without the measure the budget stayed at its 4 MiB floor, and a
        // loop over a 100 000-element parameter collected every fifth step (U7: 60-80 µs a step against 35).
        TensorPool.ForgetFreshMemoryCostForTests();
        var zeros = TensorPool.RentZeroed(TensorPool.LargeLength + 107);
        TensorPool.FreshMemoryCostMeasured.Should().BeTrue();
        zeros.Should().OnlyContain(v => v == 0, "measuring touches the pages with zeros");
    }

    [Fact]
    public void WithInducedCollectionsOffTheBudgetIsNeverReached()
    {
        bool saved = TensorMemory.InduceCollections;
        try
        {
            TensorMemory.InduceCollections = false;
            TensorPool.ReclaimBudgetBytes.Should().Be(long.MaxValue);
            TensorMemory.InduceCollections = true;
            TensorPool.ReclaimBudgetBytes.Should().BeGreaterThanOrEqualTo(4L << 20);
        }
        finally
        {
            TensorMemory.InduceCollections = saved;
        }
    }

    [Fact]
    public void OverTheCapTheLengthUsedLongestAgoIsDropped()
    {
        int old = TensorPool.LargeLength + 105, recent = TensorPool.LargeLength + 106;
        long saved = TensorPool.MaxHeld;
        try
        {
            TensorPool.MaxHeld = 3L * recent;
            var stale = TensorPool.Rent(old);
            TensorPool.Return(stale);
            var a = TensorPool.Rent(recent);
            var b = TensorPool.Rent(recent);
            var c = TensorPool.Rent(recent);
            TensorPool.Return(a);
            TensorPool.Return(b);
            TensorPool.Return(c); // needs the stale length's room

            ReferenceEquals(TensorPool.Rent(old), stale).Should().BeFalse("the length used longest ago was dropped");
            ReferenceEquals(TensorPool.Rent(recent), c).Should().BeTrue("the recent length kept all three");
            ReferenceEquals(TensorPool.Rent(recent), b).Should().BeTrue();
            ReferenceEquals(TensorPool.Rent(recent), a).Should().BeTrue();
        }
        finally
        {
            TensorPool.MaxHeld = saved;
        }
    }

    private sealed class NeedsLockWhenFinalized(object gate)
    {
        ~NeedsLockWhenFinalized()
        {
            lock (gate)
            {
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropFinalizerNeeding(object gate) => _ = new NeedsLockWhenFinalized(gate);

    [Fact]
    public void AnInducedCollectionDoesNotWaitForeverOnAFinalizerBlockedByTheCallersLock()
    {
        // The caller holds a lock another object's finalizer needs; an induced collection must not wait on it forever.
        int length = TensorPool.LargeLength + 107;
        var gate = new object();
        var held = new List<double[]>();
        bool induced = false;

        // On a thread of its own, so that a wait that never ends fails the test instead of hanging the run.
        var body = new Thread(() =>
        {
            lock (gate)
            {
                DropFinalizerNeeding(gate);
                GC.Collect(); // queues the blocking finalizer; the finalizer thread now waits for the gate
                int before = GC.CollectionCount(2);
                while (!induced && held.Count * (long)length * sizeof(double) < (64L << 20))
                {
                    held.Add(TensorPool.Rent(length)); // held, so the pool stays dry and the budget fills
                    induced = GC.CollectionCount(2) > before;
                }
            }
        }) { IsBackground = true };
        TensorPool.BudgetForTests = 4L << 20;
        try
        {
            body.Start();
            body.Join(TimeSpan.FromSeconds(30)).Should().BeTrue("the induced collection's wait for finalizers is bounded");
        }
        finally
        {
            TensorPool.BudgetForTests = null;
        }

        induced.Should().BeTrue("4 MiB were handed out with the pool dry");
        GC.KeepAlive(held);
    }
}

/// <summary>Runs <see cref="LargeArrayReclaimTests"/> with no other test in parallel.</summary>
[CollectionDefinition(nameof(LargeArrayReclaimTests), DisableParallelization = true)]
public class LargeArrayReclaimCollection
{
}
