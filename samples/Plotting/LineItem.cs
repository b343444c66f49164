using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>A polyline through (x[i], y[i]).</summary>
internal sealed class LineItem : PlotItem
{
    private readonly double[] _x;
    private readonly double[] _y;

    public LineItem(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        RequireSameLength(x, y, nameof(y));

        // Copy so later mutation of the caller's arrays cannot change a saved frame.
        _x = [.. x];
        _y = [.. y];
    }

    public required string Color { get; init; }

    public double Width { get; init; } = 1.5;

    public LineStyle Style { get; init; }

    public double Alpha { get; init; } = 1;

    public override void Extend(DataBounds bounds)
    {
        for (int i = 0; i < _x.Length; i++)
        {
            bounds.Include(_x[i], _y[i]);
        }
    }

    public override void Render(XElement parent, AxisTransform transform, double fontSize)
    {
        foreach (List<Point2> run in Runs(_x, _y, transform))
        {
            parent.Add(Svg.El(
                "polyline",
                new XAttribute("points", Svg.Points(run)),
                new XAttribute("fill", "none"),
                new XAttribute("stroke", Color),
                new XAttribute("stroke-width", Svg.Num(Width)),
                new XAttribute("stroke-linejoin", "round"),
                Alpha < 1 ? new XAttribute("stroke-opacity", Svg.Val(Alpha)) : null,
                Svg.DashArray(Style, Width) is { } dash ? new XAttribute("stroke-dasharray", dash) : null));
        }
    }

    public override XElement LegendKey(double x, double y, double width) => Line(x, y, x + width, y, Color, Width, Style);
}
