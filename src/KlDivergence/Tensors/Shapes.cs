using System.Globalization;

namespace KlDivergence.Tensors;

/// <summary>Shape arithmetic shared by the tensor operations: sizes, broadcasting, strides, messages.</summary>
internal static class Shapes
{
    /// <summary>The number of elements; a clear error when it exceeds what one array can hold (instead of an int overflow).</summary>
    /// <exception cref="ArgumentException">The product of the dimensions exceeds <see cref="Array.MaxLength"/>.</exception>
    public static int Size(ReadOnlySpan<int> shape)
    {
        long size = 1;
        bool tooLarge = false;
        foreach (int d in shape)
        {
            if (d == 0)
            {
                return 0;
            }

            size *= d;
            if (size > Array.MaxLength)
            {
                // Saturate so the long product cannot overflow; a later 0 still makes the tensor empty.
                tooLarge = true;
                size = Array.MaxLength + 1L;
            }
        }

        return tooLarge ? throw TooLarge(shape) : (int)size;
    }

    /// <summary>True when the shapes broadcast together (NumPy rules).</summary>
    public static bool CanBroadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        for (int i = 1; i <= Math.Min(a.Length, b.Length); i++)
        {
            int da = a[^i], db = b[^i];
            if (da != db && da != 1 && db != 1)
            {
                return false;
            }
        }

        return true;
    }

    private static ArgumentException TooLarge(ReadOnlySpan<int> shape)
    {
        double elements = 1;
        foreach (int d in shape)
        {
            elements *= d;
        }

        return new ArgumentException(
            $"The shape {Format(shape)} has {elements.ToString("G", CultureInfo.InvariantCulture)} elements, more than a tensor can hold ({Array.MaxLength.ToString(CultureInfo.InvariantCulture)}).",
            nameof(shape));
    }

    public static int[] Validate(ReadOnlySpan<int> shape, string paramName)
    {
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Shape dimensions must be non-negative, got {Format(shape)}.", paramName);
            }
        }

        _ = Size(shape);

        return shape.ToArray();
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    public static void RequireEqual(ReadOnlySpan<int> expected, ReadOnlySpan<int> actual, string paramName)
    {
        if (!Equal(expected, actual))
        {
            throw new ArgumentException($"Shape mismatch: expected {Format(expected)}, got {Format(actual)}.", paramName);
        }
    }

    /// <summary>NumPy broadcasting: align from the right; each pair of dimensions must be equal or one of them 1.</summary>
    public static int[] Broadcast(int[] a, int[] b)
    {
        // Most broadcasts stretch one operand to the other's shape: that shape is the result, with nothing allocated.
        if (Equal(a, b) || StretchesTo(b, a))
        {
            return a;
        }

        if (StretchesTo(a, b))
        {
            return b;
        }

        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ArgumentException($"Shapes {Format(a)} and {Format(b)} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            }

            result[i] = da == 1 ? db : da;
        }

        return result;
    }

    /// <summary>True when <paramref name="small"/> broadcasts to <paramref name="big"/> unchanged (no longer, each dimension 1 or equal).</summary>
    private static bool StretchesTo(int[] small, int[] big)
    {
        if (small.Length > big.Length)
        {
            return false;
        }

        int offset = big.Length - small.Length;
        for (int i = 0; i < small.Length; i++)
        {
            if (small[i] != 1 && small[i] != big[offset + i])
            {
                return false;
            }
        }

        return true;
    }

    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }

        return strides;
    }

    public static int FlatIndex(int[] shape, int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != shape.Length)
        {
            throw new ArgumentException($"An index into a tensor of shape {Format(shape)} needs {shape.Length} entries, got {index.Length}.", nameof(index));
        }

        int flat = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if ((uint)index[i] >= (uint)shape[i])
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Index {Format(index)} is out of range for shape {Format(shape)}.");
            }

            flat = (flat * shape[i]) + index[i];
        }

        return flat;
    }

    /// <summary>Resolves a possibly negative axis against a rank.</summary>
    public static int Axis(int axis, int rank, string paramName = "axis")
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(paramName, $"Axis {axis} is out of range for a tensor of rank {rank}.");
        }

        return a;
    }

    /// <summary>Splits a shape around an axis into (outer, length, inner) element counts.</summary>
    public static (int Outer, int Length, int Inner) AroundAxis(int[] shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= shape[i];
        }

        for (int i = axis + 1; i < shape.Length; i++)
        {
            inner *= shape[i];
        }

        return (outer, shape[axis], inner);
    }

    /// <summary>Copies <paramref name="source"/> (shape <paramref name="from"/>) broadcast to shape <paramref name="to"/>.</summary>
    public static double[] BroadcastData(double[] source, int[] from, int[] to)
    {
        int size = Size(to);
        var result = TensorPool.RentZeroed(size);
        if (size == 0)
        {
            // An empty target (a batch of none): nothing to copy, whatever the source holds.
            return result;
        }

        if (source.Length == 1)
        {
            result.AsSpan().Fill(source[0]);
            return result;
        }

        // A tile (the source is the target's trailing block): copy it once, then double the copied run.
        int lead = 0;
        while (lead < from.Length && from[lead] == 1)
        {
            lead++;
        }

        if (from.Length - lead <= to.Length && from.AsSpan(lead).SequenceEqual(to.AsSpan(to.Length - (from.Length - lead))) && source.Length > 0)
        {
            source.AsSpan().CopyTo(result);
            for (int filled = source.Length; filled < size; filled *= 2)
            {
                result.AsSpan(0, Math.Min(filled, size - filled)).CopyTo(result.AsSpan(filled));
            }

            return result;
        }

        // The general case: the strided broadcast iterator, run by run along the last dimension.
        new BroadcastIterator(source, from, to).Gather(0, result);
        return result;
    }
}
