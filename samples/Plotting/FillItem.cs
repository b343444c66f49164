using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>The region between two curves over a shared x, like matplotlib's <c>fill_between</c>.</summary>
internal sealed class FillItem : PlotItem
{
    private readonly double[] _x;
    private readonly double[] _y1;
    private readonly double[] _y2;

    public FillItem(IReadOnlyList<double> x, IReadOnlyList<double> y1, IReadOnlyList<double> y2)
    {
        RequireSameLength(x, y1, nameof(y1));
        RequireSameLength(x, y2, nameof(y2));
        _x = [.. x];
        _y1 = [.. y1];
        _y2 = [.. y2];
    }

    public required string Color { get; init; }

    public double Alpha { get; init; } = 0.3;

    public override void Extend(DataBounds bounds)
    {
        for (int i = 0; i < _x.Length; i++)
        {
            bounds.Include(_x[i], _y1[i]);
            bounds.Include(_x[i], _y2[i]);
        }
    }

    public override void Render(XElement parent, AxisTransform transform, double fontSize)
    {
        // Walk along y1 and back along y2; non-finite samples split the polygon.
        var run = new List<int>();
        for (int i = 0; i <= _x.Length; i++)
        {
            bool ok = i < _x.Length && double.IsFinite(_x[i]) && double.IsFinite(_y1[i]) && double.IsFinite(_y2[i]);
            if (ok)
            {
                run.Add(i);
                continue;
            }

            if (run.Count > 1)
            {
                var points = new List<Point2>(2 * run.Count);
                foreach (int k in run)
                {
                    points.Add(new Point2(transform.PixelX(_x[k]), transform.PixelY(_y1[k])));
                }

                for (int j = run.Count - 1; j >= 0; j--)
                {
                    int k = run[j];
                    points.Add(new Point2(transform.PixelX(_x[k]), transform.PixelY(_y2[k])));
                }

                parent.Add(Svg.El(
                    "polygon",
                    new XAttribute("points", Svg.Points(points)),
                    new XAttribute("fill", Color),
                    new XAttribute("fill-opacity", Svg.Val(Alpha)),
                    new XAttribute("stroke", "none")));
            }

            run.Clear();
        }
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
