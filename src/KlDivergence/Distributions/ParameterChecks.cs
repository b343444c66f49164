using System.Globalization;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>Constructor validation shared by the families: each failure names the family, the parameter and the value.</summary>
internal static class ParameterChecks
{
    public static Tensor Finite(Tensor? value, string family, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(value.Values))
        {
            // One vectorised pass in the common case; the loop below only runs to name the bad entry.
            return value;
        }

        foreach (double v in value.Values)
        {
            if (!double.IsFinite(v))
            {
                throw Invalid(family, paramName, "must be finite", v);
            }
        }

        return value;
    }

    public static Tensor Positive(Tensor? value, string family, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (AllPositiveAndFinite(value.Values))
        {
            // One vectorised pass in the common case; the loop below only runs to name the bad entry.
            return value;
        }

        foreach (double v in value.Values)
        {
            if (!(v > 0) || !double.IsFinite(v))
            {
                throw Invalid(family, paramName, "must be positive and finite", v);
            }
        }

        return value;
    }

    /// <summary>
    /// True when every value v has 0 &lt; v &lt; ∞ (false for NaN): the smallest value is positive and all are finite
    /// (a NaN fails both), two vectorised passes of <see cref="System.Numerics.Tensors.TensorPrimitives"/> (a
    /// hand-written four-lane loop here ran 10x slower on a [256, 32] scale).
    /// </summary>
    /// <summary>
    /// True when every value lies in (0, +∞), in one pass: a NaN fails both comparisons, so no separate finiteness
    /// pass is needed (a scale tensor is checked every time a distribution is built, often inside a fit's loop).
    /// </summary>
    private static bool AllPositiveAndFinite(ReadOnlySpan<double> values)
    {
        var zero = System.Numerics.Vector<double>.Zero;
        var infinity = new System.Numerics.Vector<double>(double.PositiveInfinity);
        int i = 0;
        for (; i <= values.Length - System.Numerics.Vector<double>.Count; i += System.Numerics.Vector<double>.Count)
        {
            var v = new System.Numerics.Vector<double>(values[i..]);
            if (!System.Numerics.Vector.GreaterThanAll(v, zero) || !System.Numerics.Vector.LessThanAll(v, infinity))
            {
                return false;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!(values[i] > 0 && values[i] < double.PositiveInfinity))
            {
                return false;
            }
        }

        return true;
    }

    public static ArgumentOutOfRangeException Invalid(string family, string paramName, string requirement, double value) =>
        new(paramName, value, $"{family}: {paramName} {requirement}, got {value.ToString("G", CultureInfo.InvariantCulture)}");

    public static int[] BroadcastParameters(string family, Tensor a, string aName, Tensor b, string bName)
    {
        try
        {
            return Shapes.Broadcast(a.ShapeArray, b.ShapeArray);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"{family}: the shapes of {aName} {Shapes.Format(a.ShapeArray)} and {bName} {Shapes.Format(b.ShapeArray)} do not broadcast.", bName, e);
        }
    }

    /// <summary>The broadcast shape of three parameters; the error names the pair that does not broadcast.</summary>
    public static int[] BroadcastParameters(string family, Tensor a, string aName, Tensor b, string bName, Tensor c, string cName)
    {
        int[] ab = BroadcastParameters(family, a, aName, b, bName);
        try
        {
            return Shapes.Broadcast(ab, c.ShapeArray);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"{family}: the shape of {cName} {Shapes.Format(c.ShapeArray)} does not broadcast with {aName} and {bName} {Shapes.Format(ab)}.", cName, e);
        }
    }
}
