namespace KlDivergence.Samples.Plotting;

/// <summary>Accumulates the data extent of a panel's items for autoscaling.</summary>
internal sealed class DataBounds
{
    public double XMin { get; private set; } = double.PositiveInfinity;

    public double XMax { get; private set; } = double.NegativeInfinity;

    public double YMin { get; private set; } = double.PositiveInfinity;

    public double YMax { get; private set; } = double.NegativeInfinity;

    /// <summary>Gets x values that padding must not cross (like matplotlib's sticky edges, e.g. grid borders).</summary>
    public List<double> StickyX { get; } = [];

    /// <summary>Gets y values that padding must not cross (e.g. the zero baseline of histogram bars).</summary>
    public List<double> StickyY { get; } = [];

    public bool HasX => XMin <= XMax;

    public bool HasY => YMin <= YMax;

    public void IncludeX(double x)
    {
        if (double.IsFinite(x))
        {
            XMin = Math.Min(XMin, x);
            XMax = Math.Max(XMax, x);
        }
    }

    public void IncludeY(double y)
    {
        if (double.IsFinite(y))
        {
            YMin = Math.Min(YMin, y);
            YMax = Math.Max(YMax, y);
        }
    }

    public void Include(double x, double y)
    {
        // Only points finite in both coordinates count, matching what gets drawn.
        if (double.IsFinite(x) && double.IsFinite(y))
        {
            IncludeX(x);
            IncludeY(y);
        }
    }
}
