using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KlDivergence.Diagnostics;

/// <summary>
/// The largest <c>capacity</c> values of a stream (as a multiset: with ties, which of the equal values is kept does
/// not matter). Values go through a running threshold, the capacity-th largest value seen so far, tested four at a
/// time: only values above it are appended to a buffer of 3 · capacity, and when the buffer fills a quickselect keeps
/// its largest capacity values and raises the threshold. For independent draws about capacity · ln(n / capacity)
/// values pass the threshold in n, so the cost per value is one vector compare, with no per-value heap insert.
/// NaN values are ignored.
/// </summary>
internal sealed class LargestValues
{
    /// <summary>Slots past the 3 · capacity kept before a compaction: room for one vector's writes.</summary>
    private const int Spare = 8;

    private readonly int capacity;
    private readonly double[] buffer;
    private int count;

    // The capacity-th largest value kept; meaningful only once full (before that every value that is not NaN is kept).
    private double threshold = double.NegativeInfinity;
    private bool full;

    /// <summary>Creates an empty collection that keeps up to <paramref name="capacity"/> values.</summary>
    public LargestValues(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        this.capacity = capacity;
        buffer = new double[checked(3 * capacity) + Spare];
    }

    /// <summary>
    /// A bar below which no value offered from now on can be kept: the smallest of capacity values already kept
    /// (a value at or below it may be dropped without changing the largest capacity values), or null until capacity
    /// values have been kept (every value that is not NaN must be offered).
    /// </summary>
    public double? Bar => full ? threshold : null;

    /// <summary>The number of values kept (at most the capacity).</summary>
    public int Count => Math.Min(count, capacity);

    /// <summary>Offers each value of <paramref name="values"/>.</summary>
    public void Offer(ReadOnlySpan<double> values) => Offer(values, 1.0);

    /// <summary>Offers the negation of each value: the collection then keeps the smallest values, negated.</summary>
    public void OfferNegated(ReadOnlySpan<double> values) => Offer(values, -1.0);

    /// <summary>The kept values in ascending order.</summary>
    public double[] ToSortedArray()
    {
        if (count > capacity)
        {
            Compact();
        }

        var sorted = buffer.AsSpan(0, count).ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>
    /// Offers each value to <paramref name="largest"/> and its negation to <paramref name="smallest"/> (what
    /// <see cref="Offer(ReadOnlySpan{double})"/> and <see cref="OfferNegated"/> would do, keeping the same values) in
    /// one pass: where both are full and the processor has 512-bit vectors, each vector is read once and tested
    /// against both thresholds, which halves the reads and the loop of the two calls (a Monte Carlo estimate offers
    /// every term to both tails).
    /// </summary>
    public static void OfferToBoth(ReadOnlySpan<double> values, LargestValues largest, LargestValues smallest)
    {
        ArgumentNullException.ThrowIfNull(largest);
        ArgumentNullException.ThrowIfNull(smallest);
        int i = 0;
        if (largest.full && smallest.full && Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            while (true)
            {
                i = OfferBothWhileRoom(values, i, largest, smallest);
                if (i > values.Length - 8)
                {
                    break;
                }

                // One of the two buffers is short of room for a whole vector's writes.
                largest.CompactWhenShortOfRoom();
                smallest.CompactWhenShortOfRoom();
            }
        }

        largest.Offer(values[i..], 1.0);
        smallest.Offer(values[i..], -1.0);
    }

    /// <summary>
    /// <see cref="PackWhileRoom{TFilter}"/> for both tails at once, from <paramref name="i"/> on, while each buffer has room for
    /// a whole vector's writes: the values above <paramref name="largest"/>'s threshold packed into its buffer, the
    /// negations of those below minus <paramref name="smallest"/>'s packed into its. Returns where it stopped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int OfferBothWhileRoom(ReadOnlySpan<double> values, int i, LargestValues largest, LargestValues smallest)
    {
        var minusOne = Vector512.Create(-1.0);
        var upperBar = Vector512.Create(largest.threshold);
        var lowerBar = Vector512.Create(smallest.threshold);
        ref double upper = ref MemoryMarshal.GetArrayDataReference(largest.buffer);
        ref double lower = ref MemoryMarshal.GetArrayDataReference(smallest.buffer);
        ref double source = ref MemoryMarshal.GetReference(values);
        int up = largest.count, down = smallest.count, end = values.Length - 8;
        int upperRoom = largest.buffer.Length - Spare, lowerRoom = smallest.buffer.Length - Spare;
        for (; i <= end && up <= upperRoom && down <= lowerRoom; i += 8)
        {
            var v = Vector512.LoadUnsafe(ref source, (nuint)i);
            var negated = v * minusOne;
            var above = Vector512.GreaterThan(v, upperBar);
            var below = Vector512.GreaterThan(negated, lowerBar);
            Avx512F.Compress(Vector512<double>.Zero, above, v).StoreUnsafe(ref upper, (nuint)up);
            Avx512F.Compress(Vector512<double>.Zero, below, negated).StoreUnsafe(ref lower, (nuint)down);
            up += BitOperations.PopCount(above.ExtractMostSignificantBits());
            down += BitOperations.PopCount(below.ExtractMostSignificantBits());
        }

        largest.count = up;
        smallest.count = down;
        return i;
    }

    /// <summary>Compacts when the buffer has no room left for a whole vector's writes.</summary>
    private void CompactWhenShortOfRoom()
    {
        if (count > buffer.Length - Spare)
        {
            Compact();
        }
    }

    /// <summary>
    /// Offers the values <paramref name="share"/> holds (as it stores them: negated when it keeps the smallest), a
    /// collection of the same kind that took another part of the stream: its held values include its largest capacity
    /// values, so afterwards this one keeps the largest capacity values of both parts.
    /// </summary>
    public void Take(LargestValues share)
    {
        ArgumentNullException.ThrowIfNull(share);
        Offer(share.buffer.AsSpan(0, share.count), 1.0);
    }

    private void Offer(ReadOnlySpan<double> values, double sign)
    {
        int i = 0;

        // Until capacity values have been kept, every value that is not NaN is a candidate: with 512-bit vectors they
        // are packed into the buffer eight at a time until it is short of room, and the compaction then sets the
        // threshold (a share's tails taken at the end of an estimate come this way, thousands of values at once).
        if (!full && Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            i = PackWhileRoom<NotNaN>(values, 0, sign);
            if (i <= values.Length - 8)
            {
                Compact();
            }
        }

        for (; i < values.Length && !full; i++)
        {
            double v = sign * values[i];
            if (!double.IsNaN(v))
            {
                Append(v);
            }
        }

        // Then almost every value is at or below the threshold. The lanes above it are appended without branches:
        // which lanes pass is unpredictable (after a compaction about a third of the values do), and a mispredicted
        // branch per vector cost more than the rest of the test. With 512-bit vectors the passing lanes are packed to
        // the front of a register (vcompresspd) and the whole register stored at the end of the buffer, the count
        // advanced by how many passed; with 256-bit vectors each lane is written and the count advanced by its flag.
        // The buffer's spare slots take the writes of lanes that do not count.
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            while (true)
            {
                i = PackWhileRoom<AboveBar>(values, i, sign);
                if (i > values.Length - 8)
                {
                    break;
                }

                Compact();
            }
        }

        var signs = Vector256.Create(sign);
        var bar = Vector256.Create(threshold);
        for (; i <= values.Length - 4; i += 4)
        {
            var v4 = Vector256.Create(values.Slice(i, 4)) * signs;
            uint above = Vector256.GreaterThan(v4, bar).ExtractMostSignificantBits();
            if (above == 0)
            {
                continue;
            }

            if (count > buffer.Length - Spare)
            {
                Compact();
                bar = Vector256.Create(threshold);
                above = Vector256.GreaterThan(v4, bar).ExtractMostSignificantBits();
            }

            buffer[count] = v4.GetElement(0);
            count += (int)(above & 1);
            buffer[count] = v4.GetElement(1);
            count += (int)((above >> 1) & 1);
            buffer[count] = v4.GetElement(2);
            count += (int)((above >> 2) & 1);
            buffer[count] = v4.GetElement(3);
            count += (int)((above >> 3) & 1);
        }

        for (; i < values.Length; i++)
        {
            double v = sign * values[i];
            if (v > threshold)
            {
                Append(v);
            }
        }
    }

    /// <summary>
    /// The 512-bit pass of <see cref="Offer(ReadOnlySpan{double}, double)"/> from <paramref name="i"/> on, while the
    /// buffer has room for a whole vector's writes: each vector of values (times <paramref name="sign"/>) has the lanes
    /// <typeparamref name="TFilter"/> keeps packed (vcompresspd) to the end of the buffer; returns where it stopped. No
    /// call inside, and the count in a local, so the loop runs in registers (with the compaction inside it, the count
    /// went through memory every vector). The filter is a type, so each use is compiled with its own comparison.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int PackWhileRoom<TFilter>(ReadOnlySpan<double> values, int i, double sign)
        where TFilter : struct, IPackFilter
    {
        var signs = Vector512.Create(sign);
        var bar = Vector512.Create(threshold);
        ref double start = ref MemoryMarshal.GetArrayDataReference(buffer);
        ref double source = ref MemoryMarshal.GetReference(values);
        int n = count, room = buffer.Length - Spare, end = values.Length - 8;
        for (; i <= end && n <= room; i += 8)
        {
            var v = Vector512.LoadUnsafe(ref source, (nuint)i) * signs;
            var kept = TFilter.Kept(v, bar);
            Avx512F.Compress(Vector512<double>.Zero, kept, v).StoreUnsafe(ref start, (nuint)n);
            n += BitOperations.PopCount(kept.ExtractMostSignificantBits());
        }

        count = n;
        return i;
    }

    /// <summary>Which lanes <see cref="PackWhileRoom{TFilter}"/> keeps.</summary>
    private interface IPackFilter
    {
        static abstract Vector512<double> Kept(Vector512<double> values, Vector512<double> bar);
    }

    /// <summary>Once full: the lanes above the threshold.</summary>
    private readonly struct AboveBar : IPackFilter
    {
        public static Vector512<double> Kept(Vector512<double> values, Vector512<double> bar) => Vector512.GreaterThan(values, bar);
    }

    /// <summary>Until full: every lane that is not NaN (-∞ included).</summary>
    private readonly struct NotNaN : IPackFilter
    {
        public static Vector512<double> Kept(Vector512<double> values, Vector512<double> bar) => Vector512.Equals(values, values);
    }

    private void Append(double v)
    {
        if (count == buffer.Length)
        {
            Compact();
        }

        buffer[count++] = v;
    }

    /// <summary>
    /// Keeps the largest capacity values of the buffer in its first capacity slots and sets the threshold to the
    /// smallest of them. Every dropped value is at most that threshold, and at least capacity kept values are at
    /// least it, so the multiset of the largest capacity values of the stream is unchanged.
    /// </summary>
    private void Compact()
    {
        var span = buffer.AsSpan(0, count);
        SelectLargest(span, capacity);
        double smallest = double.PositiveInfinity;
        foreach (double v in span[..capacity])
        {
            smallest = Math.Min(smallest, v);
        }

        count = capacity;
        threshold = smallest;
        full = true;
    }

    /// <summary>
    /// Rearranges <paramref name="values"/> (no NaN) so that its first <paramref name="k"/> entries are its k largest
    /// (in no order): Hoare's quickselect (FIND, CACM 1961) with a median-of-three pivot and a three-way split done as
    /// two branch-free passes (values above the pivot to the front, then those equal to it), so runs of equal values
    /// end a round instead of unbalancing it; after 2·log₂(n) + 8 rounds without converging it sorts what is left,
    /// so the worst case stays O(n log n).
    /// </summary>
    /// <remarks>
    /// Why branch-free: the terms of a Monte Carlo estimate arrive in random order, so a comparison-driven partition
    /// mispredicts about every other value; a swap that always happens and an index that advances by the comparison's
    /// outcome cost the same for every value (in a fit that re-estimates every step this selection was the largest cost).
    /// </remarks>
    internal static void SelectLargest(Span<double> values, int k)
    {
        if (k <= 0 || k >= values.Length)
        {
            return;
        }

        // With 512-bit vectors each round partitions through a scratch buffer (see Partition).
        double[]? scratch = Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? ArrayPool<double>.Shared.Rent(values.Length + 8) : null;
        try
        {
            SelectLargest(values, k, scratch);
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<double>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>
    /// <see cref="SelectLargest(Span{double}, int)"/> with the partition's scratch buffer (at least 8 longer than
    /// <paramref name="values"/>, used only where the processor has 512-bit vectors), or null for the scalar partition.
    /// </summary>
    internal static void SelectLargest(Span<double> values, int k, double[]? scratch)
    {
        if (scratch is not null && scratch.Length < values.Length + 8)
        {
            // The partition's whole-vector stores need the room; a shorter buffer would be written past its end.
            throw new ArgumentException($"The scratch buffer holds {scratch.Length} values; {values.Length + 8} are needed.", nameof(scratch));
        }

        if (k <= 0 || k >= values.Length)
        {
            return;
        }


        int lo = 0, hi = values.Length - 1;
        int budget = (2 * (int)Math.Log2(values.Length)) + 8;
        while (hi > lo)
        {
            if (budget-- == 0)
            {
                // Descending sort of the remaining range: its first entries are its largest.
                var rest = values[lo..(hi + 1)];
                rest.Sort();
                rest.Reverse();
                return;
            }

            int mid = lo + ((hi - lo) / 2);
            double a = values[lo], b = values[mid], c = values[hi];
            double pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

            // [lo, above) > pivot ≥ [above, hi]: each value is swapped into place and the boundary moves past it when
            // it is above the pivot.
            int above = Partition(values, lo, hi, pivot, equal: false, scratch);

            // The boundary k - 1 among the values above the pivot: narrow to them (the pivot itself is not among
            // them, so the range shrinks).
            if (k - 1 < above)
            {
                hi = above - 1;
                continue;
            }

            // Then [above, equal) = pivot, which holds at least the pivot itself.
            int equal = Partition(values, above, hi, pivot, equal: true, scratch);

            if (k - 1 < equal)
            {
                return;
            }

            lo = equal;
        }
    }

    /// <summary>
    /// <see cref="MoveToFront"/>'s split of [from, hi], eight values at a time where there are 512-bit vectors and a
    /// scratch buffer: each vector's values above the pivot (or equal to it) are packed (vcompresspd) and stored at the
    /// front of the range, at or behind the vector just read, and the others packed into the scratch buffer, which is
    /// copied back after them. The order within each group differs from <see cref="MoveToFront"/>'s, which the
    /// selection does not depend on. Without a scratch buffer it is <see cref="MoveToFront"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Partition(Span<double> values, int from, int hi, double pivot, bool equal, double[]? scratch)
    {
        if (scratch is null || !Vector512.IsHardwareAccelerated || !Avx512F.IsSupported)
        {
            return MoveToFront(values, from, hi, pivot, equal);
        }

        ref double source = ref MemoryMarshal.GetReference(values);
        ref double rest = ref MemoryMarshal.GetArrayDataReference(scratch);
        var pivots = Vector512.Create(pivot);
        int front = from, back = 0, i = from;
        for (; i <= hi - 7; i += 8)
        {
            var v = Vector512.LoadUnsafe(ref source, (nuint)i);
            var moved = equal ? Vector512.Equals(v, pivots) : Vector512.GreaterThan(v, pivots);
            int count = BitOperations.PopCount(moved.ExtractMostSignificantBits());
            Avx512F.Compress(Vector512<double>.Zero, moved, v).StoreUnsafe(ref source, (nuint)front);
            Avx512F.Compress(Vector512<double>.Zero, ~moved, v).StoreUnsafe(ref rest, (nuint)back);
            front += count;
            back += 8 - count;
        }

        for (; i <= hi; i++)
        {
            double v = values[i];
            if (equal ? v == pivot : v > pivot)
            {
                values[front++] = v;
            }
            else
            {
                scratch[back++] = v;
            }
        }

        scratch.AsSpan(0, back).CopyTo(values[front..]);
        return front;
    }

    /// <summary>
    /// Moves the values of [from, hi] above <paramref name="pivot"/> (or equal to it) to the front of the range, keeping
    /// the rest after them, and returns the end of the moved group: each value is swapped into place and the group's
    /// end advances by the comparison's outcome, with no branch on it.
    /// </summary>
    private static int MoveToFront(Span<double> values, int from, int hi, double pivot, bool equal)
    {
        int end = from;
        for (int i = from; i <= hi; i++)
        {
            double v = values[i];
            values[i] = values[end];
            values[end] = v;
            end += (equal ? v == pivot : v > pivot) ? 1 : 0;
        }

        return end;
    }
}
