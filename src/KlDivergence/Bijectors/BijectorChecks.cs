using System.Globalization;
using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>Argument checks shared by the bijectors, with messages that name the offending value.</summary>
internal static class BijectorChecks
{
    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> for the first entry of <paramref name="y"/> that fails
    /// <paramref name="inDomain"/> (NaN fails every test written as a comparison).
    /// </summary>
    public static void RequireAll(Tensor y, Func<double, bool> inDomain, string bijector, string requirement, string paramName = "y")
    {
        ArgumentNullException.ThrowIfNull(y);
        var values = y.Values;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (!inDomain(v))
            {
                throw new ArgumentOutOfRangeException(
                    paramName,
                    v,
                    $"{bijector}.Inverse needs {requirement}; got {paramName}[{i}] = {v.ToString("R", CultureInfo.InvariantCulture)} (flat index into shape {FormatShape(y)}).");
            }
        }
    }

    /// <summary>
    /// <see cref="RequireAll"/> for y &gt; <paramref name="lower"/>: a vector scan (<see cref="Comparisons.AllWithin"/>)
    /// decides that every entry passes, and only a failure walks the entries to name the first that fails.
    /// An inverse checks every value of a log-density's input, so a delegate call per entry cost more than the density.
    /// </summary>
    public static void RequireAllAbove(Tensor y, double lower, string bijector, string requirement, string paramName = "y")
    {
        ArgumentNullException.ThrowIfNull(y);
        var values = y.Values;
        if (Comparisons.AllWithin(values, lower, true, double.PositiveInfinity, false))
        {
            return;
        }

        RequireAll(y, v => v > lower, bijector, requirement, paramName);
    }

    /// <summary><see cref="RequireAllAbove"/> for <paramref name="lower"/> &lt; y &lt; <paramref name="upper"/>.</summary>
    public static void RequireAllInside(Tensor y, double lower, double upper, string bijector, string requirement, string paramName = "y")
    {
        ArgumentNullException.ThrowIfNull(y);
        var values = y.Values;
        if (Comparisons.AllWithin(values, lower, true, upper, true))
        {
            return;
        }

        RequireAll(y, v => v > lower && v < upper, bijector, requirement, paramName);
    }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> for the first position (in the broadcast shape of
    /// <paramref name="y"/> and <paramref name="bound"/>) where <paramref name="inDomain"/>(y, bound) fails; the
    /// message names the entry, its value and the bound there.
    /// </summary>
    public static void RequireAllAgainst(Tensor y, Tensor bound, Func<double, double, bool> inDomain, string bijector, string requirement, string paramName = "y")
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(bound);
        int[] shape = Shapes.Broadcast(y.ShapeArray, bound.ShapeArray);
        double[] v = TensorOps.Expand(y, shape), b = TensorOps.Expand(bound, shape);
        for (int i = 0; i < v.Length; i++)
        {
            if (!inDomain(v[i], b[i]))
            {
                throw new ArgumentOutOfRangeException(
                    paramName,
                    v[i],
                    $"{bijector}.Inverse needs {requirement}; got {paramName} = {Format(v[i])} against bound {Format(b[i])} at flat index {i} of the broadcast shape {Shapes.Format(shape)}.");
            }
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite.</summary>
    public static double Finite(double value, string bijector, string paramName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{bijector} needs a finite {paramName}; got {paramName} = {value.ToString("R", CultureInfo.InvariantCulture)}.");
        }

        return value;
    }

    /// <summary>The side d of square matrices [..., d, d] with d ≥ <paramref name="minSide"/>, else an error naming the shape.</summary>
    public static int RequireSquare(int[] shape, int minSide, string owner, string paramName)
    {
        if (shape.Length < 2 || shape[^1] != shape[^2] || shape[^1] < minSide)
        {
            throw new ArgumentException($"{owner} needs square matrices [..., d, d] with d ≥ {minSide}; got shape [{string.Join(", ", shape)}].", paramName);
        }

        return shape[^1];
    }

    /// <summary>The d ≥ 0 with d(d + 1)/2 = <paramref name="n"/>, or -1 when n is not a triangular number.</summary>
    public static int TriangularSide(int n)
    {
        if (n < 0)
        {
            return -1;
        }

        int d = (int)Math.Round((Math.Sqrt((8.0 * n) + 1) - 1) / 2);
        return (long)d * (d + 1) / 2 == n ? d : -1;
    }

    /// <summary>The entries of event <paramref name="index"/> (of <paramref name="size"/> entries each), for messages.</summary>
    public static string FormatEvent(Tensor y, int index, int size) =>
        "[" + string.Join(", ", y.Values.Slice(index * size, size).ToArray().Select(Format)) + "]";

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string FormatShape(Tensor t) => "[" + string.Join(", ", t.Shape) + "]";
}
