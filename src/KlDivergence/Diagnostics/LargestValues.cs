using System.Runtime.Intrinsics;

namespace KlDivergence.Diagnostics;

/// <summary>
/// The largest <c>capacity</c> values of a stream, in a bounded min-heap: once full, a value costs one comparison
/// with the smallest kept value and is inserted (in O(log capacity)) only when it is larger, which for independent
/// draws happens about capacity · log(n / capacity) times in n. NaN values are ignored.
/// </summary>
internal sealed class LargestValues
{
    private readonly double[] heap;
    private int count;

    /// <summary>Creates an empty collection that keeps up to <paramref name="capacity"/> values.</summary>
    public LargestValues(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        heap = new double[capacity];
    }

    /// <summary>The number of values kept.</summary>
    public int Count => count;

    /// <summary>Offers each value of <paramref name="values"/>.</summary>
    public void Offer(ReadOnlySpan<double> values) => Offer(values, 1.0);

    /// <summary>Offers the negation of each value: the collection then keeps the smallest values, negated.</summary>
    public void OfferNegated(ReadOnlySpan<double> values) => Offer(values, -1.0);

    /// <summary>The kept values in ascending order.</summary>
    public double[] ToSortedArray()
    {
        var sorted = heap.AsSpan(0, count).ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private void Offer(ReadOnlySpan<double> values, double sign)
    {
        int i = 0;
        for (; i < values.Length && count < heap.Length; i++)
        {
            Push(sign * values[i]);
        }

        // Once full, almost every value is below the smallest kept one: test four at a time and look closer only
        // when one of them is larger.
        double smallest = heap[0];
        var signs = Vector256.Create(sign);
        for (; i <= values.Length - 4; i += 4)
        {
            if (Vector256.GreaterThanAny(Vector256.Create(values.Slice(i, 4)) * signs, Vector256.Create(smallest)))
            {
                for (int j = i; j < i + 4; j++)
                {
                    double v = sign * values[j];
                    if (v > smallest)
                    {
                        ReplaceSmallest(v);
                        smallest = heap[0];
                    }
                }
            }
        }

        for (; i < values.Length; i++)
        {
            double v = sign * values[i];
            if (v > smallest)
            {
                ReplaceSmallest(v);
                smallest = heap[0];
            }
        }
    }

    private void Push(double v)
    {
        if (double.IsNaN(v))
        {
            return;
        }

        int i = count++;
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (heap[parent] <= v)
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = v;
    }

    /// <summary>Replaces the root (the smallest kept value) by a larger value and restores the heap order.</summary>
    private void ReplaceSmallest(double v)
    {
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && heap[child + 1] < heap[child])
            {
                child++;
            }

            if (heap[child] >= v)
            {
                break;
            }

            heap[i] = heap[child];
            i = child;
        }

        heap[i] = v;
    }
}
