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
