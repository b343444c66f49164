using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>
/// Filled bands of a gridded field: each grid node's cell is coloured by the band its value falls in,
/// with equal neighbouring cells in a row merged into one rectangle to keep the SVG small.
/// </summary>
internal sealed class FilledContourItem : PlotItem
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[,] _z;
    private readonly double[] _levels;

    public FilledContourItem(IReadOnlyList<double> x, IReadOnlyList<double> y, double[,] z, IReadOnlyList<double>? levels, int levelCount)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(z);
        if (z.GetLength(0) != y.Count || z.GetLength(1) != x.Count || x.Count < 2 || y.Count < 2)
        {
            throw new ArgumentException($"z must be [y.Count, x.Count] = [{y.Count}, {x.Count}] with both at least 2.", nameof(z));
        }

        _x = [.. x];
        _y = [.. y];
        _z = (double[,])z.Clone();
        _levels = ContourLevels.Resolve(_z, levels, levelCount);
    }

    public Colormap Colormap { get; init; } = Colormap.Viridis;

    public double Alpha { get; init; } = 1;

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

        bounds.StickyX.AddRange([_x[0], _x[^1]]);
        bounds.StickyY.AddRange([_y[0], _y[^1]]);
    }

    public override void Render(XElement parent, AxisTransform transform, double fontSize)
    {
        int ny = _y.Length, nx = _x.Length, bands = _levels.Length + 1;
        var colors = Enumerable.Range(0, bands).Select(b => ContourLevels.Color(Colormap, b, bands)).ToArray();
        var group = Svg.El(
            "g",
            new XAttribute("class", "contourf"),
            new XAttribute("shape-rendering", "crispEdges"),
            Alpha < 1 ? new XAttribute("fill-opacity", Svg.Val(Alpha)) : null);
        for (int i = 0; i < ny; i++)
        {
            double ya = transform.PixelY(CellEdge(_y, i)), yb = transform.PixelY(CellEdge(_y, i + 1));
            int j = 0;
            while (j < nx)
            {
                int band = Band(_z[i, j]);
                int end = j + 1;
                while (end < nx && Band(_z[i, end]) == band)
                {
                    end++;
                }

                if (band >= 0)
                {
                    double xa = transform.PixelX(CellEdge(_x, j)), xb = transform.PixelX(CellEdge(_x, end));
                    group.Add(Svg.El(
                        "rect",
                        new XAttribute("x", Svg.Num(Math.Min(xa, xb))),
                        new XAttribute("y", Svg.Num(Math.Min(ya, yb))),
                        new XAttribute("width", Svg.Num(Math.Abs(xb - xa))),
                        new XAttribute("height", Svg.Num(Math.Abs(yb - ya))),
                        new XAttribute("fill", colors[band])));
                }

                j = end;
            }
        }

        parent.Add(group);
    }

    public override XElement LegendKey(double x, double y, double width) => Svg.El(
        "rect",
        new XAttribute("x", Svg.Num(x)),
        new XAttribute("y", Svg.Num(y - 5)),
        new XAttribute("width", Svg.Num(width)),
        new XAttribute("height", "10"),
        new XAttribute("fill", Colormap.Map(0.5)));

    /// <summary>Boundary k of the cells centred on the nodes: midpoints inside, half a cell beyond at the ends.</summary>
    private static double CellEdge(double[] nodes, int k)
    {
        if (k == 0)
        {
            return nodes[0] - ((nodes[1] - nodes[0]) / 2);
        }

        if (k == nodes.Length)
        {
            return nodes[^1] + ((nodes[^1] - nodes[^2]) / 2);
        }

        return (nodes[k - 1] + nodes[k]) / 2;
    }

    /// <summary>Index of the band containing <paramref name="v"/>, or -1 for missing values.</summary>
    private int Band(double v)
    {
        if (!double.IsFinite(v))
        {
            return -1;
        }

        int band = 0;
        while (band < _levels.Length && v >= _levels[band])
        {
            band++;
        }

        return band;
    }
}
