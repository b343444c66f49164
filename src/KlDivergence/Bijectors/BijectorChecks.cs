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

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string FormatShape(Tensor t) => "[" + string.Join(", ", t.Shape) + "]";
}
