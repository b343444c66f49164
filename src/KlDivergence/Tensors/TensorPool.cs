namespace KlDivergence.Tensors;

/// <summary>
/// Arrays of doubles kept for reuse, bucketed by exact length (a tensor's length is its array's length, so a
/// pooled array must fit exactly). Only <see cref="GradientPass"/> hands arrays out and takes them back, and only
/// arrays whose every reader it has seen finish, so no tensor a caller can reach ever shares a pooled array.
/// A fit's steps ask for the same lengths each time, so after the first step the pass finds them here.
/// </summary>
internal static class TensorPool
{
    /// <summary>At most this many arrays are kept per length (the rest go to the garbage collector).</summary>
    private const int PerLength = 16;

    /// <summary>At most this many elements (256 MiB) are kept in all, so a burst of large work does not pin memory for good.</summary>
    private const long MaxHeld = 32L << 20;

    /// <summary>Arrays shorter than this are cheaper to allocate than to look up.</summary>
    internal const int MinLength = 64;

    private static readonly Dictionary<int, Stack<double[]>> Buckets = [];
    private static long held;

    /// <summary>An array of exactly <paramref name="length"/> elements with unspecified contents.</summary>
    public static double[] Rent(int length)
    {
        if (length >= MinLength)
        {
            lock (Buckets)
            {
                if (Buckets.TryGetValue(length, out var bucket) && bucket.Count > 0)
                {
                    held -= length;
                    return bucket.Pop();
                }
            }
        }

        return GC.AllocateUninitializedArray<double>(length);
    }

    /// <summary>
    /// An array of exactly <paramref name="length"/> zeros: a pooled one cleared, else a new one from the collector,
    /// whose fresh pages are zero already and are only touched where written (a sparse scatter into a large
    /// gradient then costs what it writes, not the array's size).
    /// </summary>
    public static double[] RentZeroed(int length)
    {
        if (length >= MinLength)
        {
            lock (Buckets)
            {
                if (Buckets.TryGetValue(length, out var bucket) && bucket.Count > 0)
                {
                    held -= length;
                    var array = bucket.Pop();
                    array.AsSpan().Clear();
                    return array;
                }
            }
        }

        return new double[length];
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
                bucket = new Stack<double[]>();
                Buckets[array.Length] = bucket;
            }

            if (bucket.Count < PerLength && held + array.Length <= MaxHeld)
            {
                bucket.Push(array);
                held += array.Length;
            }
        }
    }
}
