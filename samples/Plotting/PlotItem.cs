using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>Something drawn inside a panel's plot area.</summary>
internal abstract class PlotItem
{
    /// <summary>Gets the legend label, or null to leave the item out of the legend.</summary>
    public string? Label { get; init; }

    /// <summary>Adds this item's data extent to <paramref name="bounds"/>.</summary>
    public abstract void Extend(DataBounds bounds);

    /// <summary>Appends SVG for this item to <paramref name="parent"/>.</summary>
    public abstract void Render(XElement parent, AxisTransform transform, double fontSize);

    /// <summary>Returns a legend key drawn in the box whose left-centre is (x, y).</summary>
    public abstract XElement LegendKey(double x, double y, double width);

    /// <summary>Converts a data series into pixel runs, splitting at non-finite values like matplotlib does.</summary>
    protected static List<List<Point2>> Runs(IReadOnlyList<double> x, IReadOnlyList<double> y, AxisTransform transform)
    {
        var runs = new List<List<Point2>>();
        List<Point2>? current = null;
        for (int i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
            {
                current = null;
                continue;
            }

            if (current is null)
            {
                current = [];
                runs.Add(current);
            }

            current.Add(new Point2(transform.PixelX(x[i]), transform.PixelY(y[i])));
        }

        return runs;
    }

    /// <summary>Throws when two series that must pair up have different lengths.</summary>
    protected static void RequireSameLength(IReadOnlyList<double> a, IReadOnlyList<double> b, string name)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Series lengths differ: {a.Count} vs {b.Count}.", name);
        }
    }

    /// <summary>A stroke-only line element for legend keys and reference lines.</summary>
    protected static XElement Line(double x1, double y1, double x2, double y2, string color, double width, LineStyle style)
        => Svg.El(
            "line",
            new XAttribute("x1", Svg.Num(x1)),
            new XAttribute("y1", Svg.Num(y1)),
            new XAttribute("x2", Svg.Num(x2)),
            new XAttribute("y2", Svg.Num(y2)),
            new XAttribute("stroke", color),
            new XAttribute("stroke-width", Svg.Num(width)),
            Svg.DashArray(style, width) is { } dash ? new XAttribute("stroke-dasharray", dash) : null);
}
