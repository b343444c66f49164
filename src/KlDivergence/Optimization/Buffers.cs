using System.Numerics.Tensors;

using KlDivergence.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// Small helpers over buffers and lists of buffers. The element-wise ones run in blocks across the cores for a buffer
/// that splits (<see cref="ElementwiseSplit"/>): a large model's step makes a dozen such passes (gathering and checking
/// the gradient, the update and the state, applying and publishing). Each gives the same result however it is split,
/// and a closure is made only for a buffer that splits, so a small fit's step allocates nothing.
/// </summary>
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

    /// <summary><see cref="IsFinite(ReadOnlySpan{double})"/> of a whole buffer, in blocks across the cores when large.</summary>
    public static bool IsFinite(double[] values) => !ElementwiseSplit.Splits(values.Length) ? IsFinite(values.AsSpan()) : IsFiniteInBlocks(values);

    private static bool IsFiniteInBlocks(double[] values)
    {
        int notFinite = 0;
        ElementwiseSplit.Run(values.Length, (start, length) =>
        {
            if (!TensorPrimitives.IsFiniteAll<double>(values.AsSpan(start, length)))
            {
                Volatile.Write(ref notFinite, 1);
            }
        });
        return notFinite == 0;
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (at least as long), in blocks across the cores when large.</summary>
    public static void CopyInto(double[] source, double[] destination)
    {
        if (!ElementwiseSplit.Splits(source.Length))
        {
            source.AsSpan().CopyTo(destination);
            return;
        }

        CopyInBlocks(source, destination);
    }

    // The split bodies live apart: a lambda capturing a method's parameters makes its closure on entry, even on a path that does not split.
    private static void CopyInBlocks(double[] source, double[] destination) =>
        ElementwiseSplit.Run(source.Length, (start, length) => source.AsSpan(start, length).CopyTo(destination.AsSpan(start, length)));

    /// <summary>target ← target + addition element-wise, in blocks across the cores when large.</summary>
    public static void AddInto(double[] target, double[] addition)
    {
        if (!ElementwiseSplit.Splits(target.Length))
        {
            TensorPrimitives.Add(target, addition, target);
            return;
        }

        AddInBlocks(target, addition);
    }

    private static void AddInBlocks(double[] target, double[] addition) =>
        ElementwiseSplit.Run(target.Length, (start, length) => TensorPrimitives.Add(target.AsSpan(start, length), addition.AsSpan(start, length), target.AsSpan(start, length)));

    /// <summary>target ← target · factor element-wise, in blocks across the cores when large.</summary>
    public static void Scale(double[] target, double factor)
    {
        if (!ElementwiseSplit.Splits(target.Length))
        {
            TensorPrimitives.Multiply(target, factor, target);
            return;
        }

        ScaleInBlocks(target, factor);
    }

    private static void ScaleInBlocks(double[] target, double factor) =>
        ElementwiseSplit.Run(target.Length, (start, length) => TensorPrimitives.Multiply(target.AsSpan(start, length), factor, target.AsSpan(start, length)));

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
    public static double[][]? Copy(double[][]? buffers) => buffers?.Select(b =>
    {
        var copy = TensorPool.Rent(b.Length);
        CopyInto(b, copy);
        return copy;
    }).ToArray();

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> buffer by buffer.</summary>
    public static void CopyInto(double[][]? source, double[][]? destination)
    {
        if (source is null || destination is null)
        {
            return;
        }

        for (int i = 0; i < source.Length; i++)
        {
            CopyInto(source[i], destination[i]);
        }
    }
}
