namespace KlDivergence.Samples.Plotting;

/// <summary>Chooses contour levels and their colours.</summary>
internal static class ContourLevels
{
    /// <summary>Returns the given levels sorted, or about <paramref name="count"/> nice levels strictly inside the data range.</summary>
    public static double[] Resolve(double[,] z, IReadOnlyList<double>? levels, int count)
    {
        if (levels is not null)
        {
            return levels.Where(double.IsFinite).Order().ToArray();
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in z)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (!(max > min))
        {
            return [];
        }

        // Levels at the extremes would trace single points, so keep only interior ones.
        return NiceTicks.Generate(min, max, Math.Max(1, count + 1)).Where(l => l > min && l < max).ToArray();
    }

    /// <summary>Colour for level <paramref name="index"/> of <paramref name="total"/>, spread over the whole map.</summary>
    public static string Color(Colormap map, int index, int total) => map.Map(total <= 1 ? 0.5 : (double)index / (total - 1));
}
