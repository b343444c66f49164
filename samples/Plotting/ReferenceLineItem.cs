using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>A line spanning the whole plot area at a fixed x or y (matplotlib's <c>axvline</c>/<c>axhline</c>).</summary>
internal sealed class ReferenceLineItem : PlotItem
{
    public required double Value { get; init; }

    public required bool Vertical { get; init; }

    public required string Color { get; init; }

    public double Width { get; init; } = 1;

    public LineStyle Style { get; init; } = LineStyle.Dashed;

    public override void Extend(DataBounds bounds)
    {
        // Only the constrained coordinate matters; the other spans whatever the limits are.
        if (Vertical)
        {
            bounds.IncludeX(Value);
        }
        else
        {
            bounds.IncludeY(Value);
        }
    }

    public override void Render(XElement parent, AxisTransform transform, double fontSize)
    {
        PixelBox b = transform.Box;
        XElement line = Vertical
            ? Line(transform.PixelX(Value), b.Y, transform.PixelX(Value), b.Bottom, Color, Width, Style)
            : Line(b.X, transform.PixelY(Value), b.Right, transform.PixelY(Value), Color, Width, Style);
        parent.Add(line);
    }

    public override XElement LegendKey(double x, double y, double width) => Line(x, y, x + width, y, Color, Width, Style);
}
