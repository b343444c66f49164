using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>Adjacent bars between consecutive edges, rising from zero (histograms).</summary>
internal sealed class BarItem : PlotItem
{
    private readonly double[] _edges;
    private readonly double[] _heights;

    public BarItem(IReadOnlyList<double> edges, IReadOnlyList<double> heights)
    {
        ArgumentNullException.ThrowIfNull(edges);
        ArgumentNullException.ThrowIfNull(heights);
        if (edges.Count != heights.Count + 1)
        {
            throw new ArgumentException($"Need one more edge than heights, got {edges.Count} edges and {heights.Count} heights.", nameof(edges));
        }

        _edges = [.. edges];
        _heights = [.. heights];
    }

    public required string Color { get; init; }

    public double Alpha { get; init; } = 0.6;

    /// <summary>Gets the outline colour, or null for none.</summary>
    public string? EdgeColor { get; init; }

    public override void Extend(DataBounds bounds)
    {
        foreach (double e in _edges)
        {
            bounds.IncludeX(e);
        }

        bounds.IncludeY(0);
        foreach (double h in _heights)
        {
            bounds.IncludeY(h);
        }

        // Bars stand on y = 0, so autoscale should not pad below the baseline.
        bounds.StickyY.Add(0);
    }

    public override void Render(XElement parent, AxisTransform transform, double fontSize)
    {
        var group = Svg.El(
            "g",
            new XAttribute("class", "bars"),
            new XAttribute("fill", Color),
            new XAttribute("fill-opacity", Svg.Val(Alpha)),
            EdgeColor is null ? null : new XAttribute("stroke", EdgeColor),
            EdgeColor is null ? null : new XAttribute("stroke-width", "0.5"));
        double y0 = transform.PixelY(0);
        for (int i = 0; i < _heights.Length; i++)
        {
            double h = _heights[i];
            if (!double.IsFinite(h) || h == 0)
            {
                continue;
            }

            double xa = transform.PixelX(_edges[i]), xb = transform.PixelX(_edges[i + 1]);
            double yh = transform.PixelY(h);
            group.Add(Svg.El(
                "rect",
                new XAttribute("x", Svg.Num(Math.Min(xa, xb))),
                new XAttribute("y", Svg.Num(Math.Min(y0, yh))),
                new XAttribute("width", Svg.Num(Math.Abs(xb - xa))),
                new XAttribute("height", Svg.Num(Math.Abs(y0 - yh)))));
        }

        parent.Add(group);
    }

    public override XElement LegendKey(double x, double y, double width) => Svg.El(
        "rect",
        new XAttribute("x", Svg.Num(x)),
        new XAttribute("y", Svg.Num(y - 5)),
        new XAttribute("width", Svg.Num(width)),
        new XAttribute("height", "10"),
        new XAttribute("fill", Color),
        new XAttribute("fill-opacity", Svg.Val(Alpha)));
}
