using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>Circular markers at (x[i], y[i]).</summary>
internal sealed class ScatterItem : PlotItem
{
    private readonly double[] _x;
    private readonly double[] _y;

    public ScatterItem(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        RequireSameLength(x, y, nameof(y));
        _x = [.. x];
        _y = [.. y];
    }

    public required string Color { get; init; }

    /// <summary>Gets the marker radius in pixels.</summary>
    public double Radius { get; init; } = 3;

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
        // Style once on the group so thousands of markers stay small in the file.
        var group = Svg.El(
            "g",
            new XAttribute("class", "scatter"),
            new XAttribute("fill", Color),
            Alpha < 1 ? new XAttribute("fill-opacity", Svg.Val(Alpha)) : null);
        string r = Svg.Num(Radius);
        for (int i = 0; i < _x.Length; i++)
        {
            if (double.IsFinite(_x[i]) && double.IsFinite(_y[i]))
            {
                group.Add(Svg.El(
                    "circle",
                    new XAttribute("cx", Svg.Num(transform.PixelX(_x[i]))),
                    new XAttribute("cy", Svg.Num(transform.PixelY(_y[i]))),
                    new XAttribute("r", r)));
            }
        }

        parent.Add(group);
    }

    public override XElement LegendKey(double x, double y, double width) => Svg.El(
        "circle",
        new XAttribute("cx", Svg.Num(x + (width / 2))),
        new XAttribute("cy", Svg.Num(y)),
        new XAttribute("r", Svg.Num(Math.Clamp(Radius, 2, 5))),
        new XAttribute("fill", Color),
        Alpha < 1 ? new XAttribute("fill-opacity", Svg.Val(Math.Max(Alpha, 0.5))) : null);
}
