using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>A text annotation at a data point or at a fraction of the plot area.</summary>
internal sealed class TextItem : PlotItem
{
    public required double X { get; init; }

    public required double Y { get; init; }

    public required string Content { get; init; }

    public string Color { get; init; } = "black";

    public double? FontSize { get; init; }

    public TextAnchor Anchor { get; init; }

    /// <summary>Gets whether (X, Y) are fractions of the plot area (0,0 bottom-left) rather than data.</summary>
    public bool AxesFraction { get; init; }

    public override void Extend(DataBounds bounds)
    {
        // Text does not drive autoscaling, as in matplotlib.
    }

    public override void Render(XElement parent, AxisTransform transform, double fontSize)
    {
        PixelBox b = transform.Box;
        double px = AxesFraction ? b.X + (X * b.Width) : transform.PixelX(X);
        double py = AxesFraction ? b.Bottom - (Y * b.Height) : transform.PixelY(Y);
        string anchor = Anchor switch
        {
            TextAnchor.Middle => "middle",
            TextAnchor.End => "end",
            _ => "start",
        };
        parent.Add(Svg.Text(px, py, Content, FontSize ?? fontSize, anchor, Color));
    }

    public override XElement LegendKey(double x, double y, double width) => Svg.El("g");
}
