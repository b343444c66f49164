using System.Globalization;

namespace KlDivergence.Samples.Plotting;

/// <summary>Tick placement on 1-2-5 steps (1, 2, 5, 10, 20, 50, ...), as in most plotting libraries.</summary>
public static class NiceTicks
{
    /// <summary>Returns the smallest 1-2-5 step that splits <paramref name="range"/> into at most <paramref name="maxTicks"/> intervals.</summary>
    /// <param name="range">Positive length of the axis.</param>
    /// <param name="maxTicks">Upper bound on the number of intervals (at least 1).</param>
    /// <returns>A step of the form {1, 2, 5} × 10^k.</returns>
    public static double Step(double range, int maxTicks = 6)
    {
        if (!(range > 0) || !double.IsFinite(range))
        {
            return 1;
        }

        maxTicks = Math.Max(1, maxTicks);
        double raw = range / maxTicks;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (double m in (ReadOnlySpan<double>)[1, 2, 5, 10])
        {
            // Small slack so that e.g. range 1 with 5 ticks picks 0.2 rather than 0.5.
            if (m * magnitude >= raw * (1 - 1e-9))
            {
                return m * magnitude;
            }
        }

        return 10 * magnitude;
    }

    /// <summary>Returns the multiples of a nice step that lie inside [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="min">Lower axis limit.</param>
    /// <param name="max">Upper axis limit.</param>
    /// <param name="maxTicks">Upper bound on the number of intervals between ticks.</param>
    /// <returns>Ascending tick values.</returns>
    public static double[] Generate(double min, double max, int maxTicks = 6)
    {
        if (max < min)
        {
            (min, max) = (max, min);
        }

        double step = Step(max - min, maxTicks);
        double eps = step * 1e-9;
        long first = (long)Math.Ceiling((min - eps) / step);
        long last = (long)Math.Floor((max + eps) / step);
        return Build(first, last, step);
    }

    /// <summary>Returns nice ticks whose first and last values enclose [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="min">Smallest data value.</param>
    /// <param name="max">Largest data value.</param>
    /// <param name="maxTicks">Upper bound on the number of intervals between ticks.</param>
    /// <returns>Ascending tick values; the first is ≤ min and the last ≥ max.</returns>
    public static double[] Covering(double min, double max, int maxTicks = 6)
    {
        if (max < min)
        {
            (min, max) = (max, min);
        }

        double step = Step(max - min, maxTicks);
        double eps = step * 1e-9;
        long first = (long)Math.Floor((min + eps) / step);
        long last = (long)Math.Ceiling((max - eps) / step);
        return Build(first, last, step);
    }

    /// <summary>Formats a tick value with as many decimals as the step needs, in invariant culture.</summary>
    /// <param name="value">The tick value.</param>
    /// <param name="step">The tick spacing, which decides the precision.</param>
    /// <returns>A label such as <c>0.25</c>, <c>-3</c> or <c>1e+06</c>.</returns>
    public static string Format(double value, double step)
    {
        // Snap float noise such as 0.30000000000000004 and -0.
        if (Math.Abs(value) < Math.Abs(step) * 1e-9)
        {
            value = 0;
        }

        double magnitude = Math.Max(Math.Abs(value), Math.Abs(step));
        if (magnitude >= 1e6 || (magnitude < 1e-4 && magnitude > 0))
        {
            return value.ToString("0.###e+0", CultureInfo.InvariantCulture);
        }

        int decimals = step > 0 ? Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 10) : 0;
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static double[] Build(long first, long last, double step)
    {
        if (last < first)
        {
            return [];
        }

        var ticks = new double[last - first + 1];
        for (long i = first; i <= last; i++)
        {
            // Multiply instead of accumulating to avoid drift.
            ticks[i - first] = i * step;
        }

        return ticks;
    }
}
