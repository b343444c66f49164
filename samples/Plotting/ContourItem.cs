using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>Iso-lines of a gridded field, one colour per level.</summary>
internal sealed class ContourItem : PlotItem
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[,] _z;
    private readonly double[] _levels;

    public ContourItem(IReadOnlyList<double> x, IReadOnlyList<double> y, double[,] z, IReadOnlyList<double>? levels, int levelCount)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(z);
        if (z.GetLength(0) != y.Count || z.GetLength(1) != x.Count)
        {
            throw new ArgumentException($"z must be [y.Count, x.Count] = [{y.Count}, {x.Count}] but is [{z.GetLength(0)}, {z.GetLength(1)}].", nameof(z));
        }

        _x = [.. x];
        _y = [.. y];
        _z = (double[,])z.Clone();
        _levels = ContourLevels.Resolve(_z, levels, levelCount);
    }

    /// <summary>Gets the levels actually drawn.</summary>
    public IReadOnlyList<double> Levels => _levels;

    public Colormap Colormap { get; init; } = Colormap.Viridis;

    /// <summary>Gets a single colour for all levels, overriding the colormap.</summary>
    public string? Color { get; init; }

    public double Width { get; init; } = 1.2;

    public LineStyle Style { get; init; }

    public override void Extend(DataBounds bounds)
    {
        foreach (double v in _x)
        {
            bounds.IncludeX(v);
        }

        foreach (double v in _y)
        {
            bounds.IncludeY(v);
        }

        // The field ends at the grid border, so do not pad past it.
        if (_x.Length > 0 && _y.Length > 0)
        {
            bounds.StickyX.AddRange([_x[0], _x[^1]]);
            bounds.StickyY.AddRange([_y[0], _y[^1]]);
        }
    }

    public override void Render(XElement parent, AxisTransform transform, double fontSize)
    {
        var group = Svg.El("g", new XAttribute("class", "contour"), new XAttribute("fill", "none"));
        for (int k = 0; k < _levels.Length; k++)
        {
            string color = Color ?? ContourLevels.Color(Colormap, k, _levels.Length);
            var levelGroup = Svg.El(
                "g",
                new XAttribute("data-level", Svg.Val(_levels[k])),
                new XAttribute("stroke", color),
                new XAttribute("stroke-width", Svg.Num(Width)),
                Svg.DashArray(Style, Width) is { } dash ? new XAttribute("stroke-dasharray", dash) : null);
            foreach (ContourLine line in MarchingSquares.Trace(_x, _y, _z, _levels[k]))
            {
                if (line.Points.Count < 2)
                {
                    continue;
                }

                levelGroup.Add(Svg.El("polyline", new XAttribute("points", Svg.Points(line.Points.Select(transform.ToPixel)))));
            }

            group.Add(levelGroup);
        }

        parent.Add(group);
    }

    public override XElement LegendKey(double x, double y, double width)
        => Line(x, y, x + width, y, Color ?? Colormap.Map(0.5), Width, Style);
}
