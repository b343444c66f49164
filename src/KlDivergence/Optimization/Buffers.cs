using System.Numerics.Tensors;

namespace KlDivergence.Optimization;

/// <summary>Small helpers over lists of buffers.</summary>
internal static class Buffers
{
    public static void Clear(double[][] buffers)
    {
        foreach (double[] b in buffers)
        {
            Array.Clear(b);
        }
    }

    /// <summary>True when every element is finite; an empty span is (TensorPrimitives.IsFiniteAll says false for it).</summary>
    public static bool IsFinite(ReadOnlySpan<double> values) => values.IsEmpty || TensorPrimitives.IsFiniteAll(values);

    /// <summary>True when every element of every buffer is finite (a null list counts as empty).</summary>
    public static bool IsFinite(IReadOnlyList<double[]>? buffers)
    {
        if (buffers is null)
        {
            return true;
        }

        for (int i = 0; i < buffers.Count; i++)
        {
            if (!IsFinite(buffers[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A deep copy of the buffers (null stays null).</summary>
    public static double[][]? Copy(double[][]? buffers) => buffers?.Select(b => (double[])b.Clone()).ToArray();

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> buffer by buffer.</summary>
    public static void CopyInto(double[][]? source, double[][]? destination)
    {
        if (source is null || destination is null)
        {
            return;
        }

        for (int i = 0; i < source.Length; i++)
        {
            source[i].AsSpan().CopyTo(destination[i]);
        }
    }
}
