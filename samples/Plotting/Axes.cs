using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>
/// One panel of a <see cref="Figure"/>: labels, ticks, limits and the plotted items, drawn in the order added.
/// Plot methods return the panel so calls can be chained.
/// </summary>
public sealed class Axes
{
    private readonly List<PlotItem> _items = [];
    private int _colorIndex;

    internal Axes(int row, int column)
    {
        Row = row;
        Column = column;
    }

    /// <summary>Gets the zero-based grid row.</summary>
    public int Row { get; }

    /// <summary>Gets the zero-based grid column.</summary>
    public int Column { get; }

    /// <summary>Gets or sets the panel title drawn above the plot area.</summary>
    public string? Title { get; set; }

    /// <summary>Gets or sets the x-axis label.</summary>
    public string? XLabel { get; set; }

    /// <summary>Gets or sets the y-axis label.</summary>
    public string? YLabel { get; set; }

    /// <summary>Gets or sets fixed x limits; null autoscales to the data.</summary>
    public Interval? XLimits { get; set; }

    /// <summary>Gets or sets fixed y limits; null autoscales to the data.</summary>
    public Interval? YLimits { get; set; }

    /// <summary>Gets or sets explicit x tick positions; null generates 1-2-5 ticks.</summary>
    public IReadOnlyList<double>? XTicks { get; set; }

    /// <summary>Gets or sets explicit y tick positions; null generates 1-2-5 ticks.</summary>
    public IReadOnlyList<double>? YTicks { get; set; }

    /// <summary>Gets or sets the largest number of tick intervals per axis (fewer on small panels).</summary>
    public int MaxTicks { get; set; } = 6;

    /// <summary>Gets or sets the autoscale padding as a fraction of the data range (matplotlib uses 0.05).</summary>
    public double Margin { get; set; } = 0.05;

    /// <summary>Gets or sets whether to draw a legend of the labelled items.</summary>
    public bool ShowLegend { get; set; }

    /// <summary>Gets or sets the legend corner.</summary>
    public LegendLocation LegendLocation { get; set; }

    /// <summary>Gets or sets whether to draw light grid lines at the ticks.</summary>
    public bool Grid { get; set; }

    /// <summary>Gets the number of items added so far.</summary>
    public int ItemCount => _items.Count;

    /// <summary>Sets both fixed limits at once.</summary>
    /// <param name="xMin">Left limit.</param>
    /// <param name="xMax">Right limit.</param>
    /// <param name="yMin">Bottom limit.</param>
    /// <param name="yMax">Top limit.</param>
    /// <returns>This panel.</returns>
    public Axes SetLimits(double xMin, double xMax, double yMin, double yMax)
    {
        XLimits = new Interval(xMin, xMax);
        YLimits = new Interval(yMin, yMax);
        return this;
    }

    /// <summary>Returns the next colour of this panel's cycle (C0, C1, ...), as unspecified colours do.</summary>
    /// <returns>A CSS colour.</returns>
    public string NextColor() => Palette.Get(_colorIndex++);

    /// <summary>Draws a line through the points (x[i], y[i]); non-finite points break the line.</summary>
    /// <param name="x">Abscissae.</param>
    /// <param name="y">Ordinates, same length.</param>
    /// <param name="color">CSS colour; null takes the next cycle colour.</param>
    /// <param name="label">Legend label.</param>
    /// <param name="style">Dash pattern.</param>
    /// <param name="width">Stroke width in pixels.</param>
    /// <param name="alpha">Opacity in [0, 1].</param>
    /// <returns>This panel.</returns>
    public Axes Plot(IReadOnlyList<double> x, IReadOnlyList<double> y, string? color = null, string? label = null, LineStyle style = LineStyle.Solid, double width = 1.5, double alpha = 1)
        => Add(new LineItem(x, y) { Color = color ?? NextColor(), Label = label, Style = style, Width = width, Alpha = alpha });

    /// <summary>Draws circular markers at (x[i], y[i]).</summary>
    /// <param name="x">Abscissae.</param>
    /// <param name="y">Ordinates, same length.</param>
    /// <param name="color">CSS colour; null takes the next cycle colour.</param>
    /// <param name="label">Legend label.</param>
    /// <param name="size">Marker radius in pixels.</param>
    /// <param name="alpha">Fill opacity in [0, 1].</param>
    /// <returns>This panel.</returns>
    public Axes Scatter(IReadOnlyList<double> x, IReadOnlyList<double> y, string? color = null, string? label = null, double size = 3, double alpha = 1)
        => Add(new ScatterItem(x, y) { Color = color ?? NextColor(), Label = label, Radius = size, Alpha = alpha });

    /// <summary>Draws adjacent bars from zero between consecutive edges.</summary>
    /// <param name="edges">Bar edges, one more than <paramref name="heights"/>.</param>
    /// <param name="heights">Bar heights.</param>
    /// <param name="color">CSS colour; null takes the next cycle colour.</param>
    /// <param name="label">Legend label.</param>
    /// <param name="alpha">Fill opacity.</param>
    /// <param name="edgeColor">Outline colour, or null for none.</param>
    /// <returns>This panel.</returns>
    public Axes Bars(IReadOnlyList<double> edges, IReadOnlyList<double> heights, string? color = null, string? label = null, double alpha = 0.6, string? edgeColor = null)
        => Add(new BarItem(edges, heights) { Color = color ?? NextColor(), Label = label, Alpha = alpha, EdgeColor = edgeColor });

    /// <summary>Draws a histogram of <paramref name="samples"/> (by default a density, like <c>plt.hist(..., density=True)</c>).</summary>
    /// <param name="samples">The data.</param>
    /// <param name="bins">Number of equal-width bins.</param>
    /// <param name="density">Normalise to unit area.</param>
    /// <param name="color">CSS colour; null takes the next cycle colour.</param>
    /// <param name="label">Legend label.</param>
    /// <param name="alpha">Fill opacity.</param>
    /// <param name="range">Binning range; defaults to the sample range.</param>
    /// <returns>This panel.</returns>
    public Axes Histogram(IReadOnlyList<double> samples, int bins = 30, bool density = true, string? color = null, string? label = null, double alpha = 0.6, Interval? range = null)
    {
        HistogramBins h = HistogramBins.Compute(samples, bins, density, range);
        return Bars(h.Edges, h.Heights, color, label, alpha);
    }

    /// <summary>Fills the region between <paramref name="y1"/> and <paramref name="y2"/> over <paramref name="x"/>.</summary>
    /// <param name="x">Abscissae.</param>
    /// <param name="y1">First boundary.</param>
    /// <param name="y2">Second boundary.</param>
    /// <param name="color">CSS colour; null takes the next cycle colour.</param>
    /// <param name="label">Legend label.</param>
    /// <param name="alpha">Fill opacity.</param>
    /// <returns>This panel.</returns>
    public Axes FillBetween(IReadOnlyList<double> x, IReadOnlyList<double> y1, IReadOnlyList<double> y2, string? color = null, string? label = null, double alpha = 0.3)
        => Add(new FillItem(x, y1, y2) { Color = color ?? NextColor(), Label = label, Alpha = alpha });

    /// <summary>Fills the region between the curve and a constant baseline (the area under a density).</summary>
    /// <param name="x">Abscissae.</param>
    /// <param name="y">The curve.</param>
    /// <param name="baseline">The constant lower boundary.</param>
    /// <param name="color">CSS colour; null takes the next cycle colour.</param>
    /// <param name="label">Legend label.</param>
    /// <param name="alpha">Fill opacity.</param>
    /// <returns>This panel.</returns>
    public Axes FillBetween(IReadOnlyList<double> x, IReadOnlyList<double> y, double baseline = 0, string? color = null, string? label = null, double alpha = 0.3)
    {
        ArgumentNullException.ThrowIfNull(y);
        return FillBetween(x, y, Enumerable.Repeat(baseline, y.Count).ToArray(), color, label, alpha);
    }

    /// <summary>Draws a horizontal line across the panel at <paramref name="y"/>.</summary>
    /// <param name="y">Data y.</param>
    /// <param name="color">CSS colour.</param>
    /// <param name="style">Dash pattern.</param>
    /// <param name="width">Stroke width.</param>
    /// <param name="label">Legend label.</param>
    /// <returns>This panel.</returns>
    public Axes HorizontalLine(double y, string color = "black", LineStyle style = LineStyle.Dashed, double width = 1, string? label = null)
        => Add(new ReferenceLineItem { Value = y, Vertical = false, Color = color, Style = style, Width = width, Label = label });

    /// <summary>Draws a vertical line across the panel at <paramref name="x"/>.</summary>
    /// <param name="x">Data x.</param>
    /// <param name="color">CSS colour.</param>
    /// <param name="style">Dash pattern.</param>
    /// <param name="width">Stroke width.</param>
    /// <param name="label">Legend label.</param>
    /// <returns>This panel.</returns>
    public Axes VerticalLine(double x, string color = "black", LineStyle style = LineStyle.Dashed, double width = 1, string? label = null)
        => Add(new ReferenceLineItem { Value = x, Vertical = true, Color = color, Style = style, Width = width, Label = label });

    /// <summary>Writes <paramref name="text"/> at a data point, or at a fraction of the plot area.</summary>
    /// <param name="x">Data x, or fraction from the left when <paramref name="axesFraction"/>.</param>
    /// <param name="y">Data y, or fraction from the bottom when <paramref name="axesFraction"/>.</param>
    /// <param name="text">The text; XML special characters are escaped.</param>
    /// <param name="color">CSS colour.</param>
    /// <param name="fontSize">Font size in pixels; null uses the figure's.</param>
    /// <param name="anchor">Horizontal alignment.</param>
    /// <param name="axesFraction">Interpret (x, y) in [0, 1] panel coordinates, like <c>transform=ax.transAxes</c>.</param>
    /// <returns>This panel.</returns>
    public Axes Text(double x, double y, string text, string color = "black", double? fontSize = null, TextAnchor anchor = TextAnchor.Start, bool axesFraction = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Add(new TextItem { X = x, Y = y, Content = text, Color = color, FontSize = fontSize, Anchor = anchor, AxesFraction = axesFraction });
    }

    /// <summary>Draws iso-lines of <c>z[iy, ix]</c> over the grid (x[ix], y[iy]) by marching squares.</summary>
    /// <param name="x">Grid x, length nx.</param>
    /// <param name="y">Grid y, length ny.</param>
    /// <param name="z">Values, shape [ny, nx].</param>
    /// <param name="levels">Iso-values; null picks about <paramref name="levelCount"/> nice ones.</param>
    /// <param name="levelCount">Approximate number of automatic levels.</param>
    /// <param name="colormap">Colours spread over the levels; defaults to <see cref="Colormap.Viridis"/>.</param>
    /// <param name="color">One colour for every level, overriding the colormap.</param>
    /// <param name="width">Stroke width.</param>
    /// <param name="label">Legend label.</param>
    /// <param name="style">Dash pattern.</param>
    /// <returns>This panel.</returns>
    public Axes Contour(IReadOnlyList<double> x, IReadOnlyList<double> y, double[,] z, IReadOnlyList<double>? levels = null, int levelCount = 8, Colormap? colormap = null, string? color = null, double width = 1.2, string? label = null, LineStyle style = LineStyle.Solid)
        => Add(new ContourItem(x, y, z, levels, levelCount) { Colormap = colormap ?? Colormap.Viridis, Color = color, Width = width, Label = label, Style = style });

    /// <summary>Fills bands between levels of <c>z[iy, ix]</c>, each grid cell coloured by its band (a coarse <c>contourf</c>).</summary>
    /// <param name="x">Grid x, length nx.</param>
    /// <param name="y">Grid y, length ny.</param>
    /// <param name="z">Values, shape [ny, nx].</param>
    /// <param name="levels">Band boundaries; null picks about <paramref name="levelCount"/> nice ones.</param>
    /// <param name="levelCount">Approximate number of automatic boundaries.</param>
    /// <param name="colormap">Band colours; defaults to <see cref="Colormap.Viridis"/>.</param>
    /// <param name="alpha">Fill opacity.</param>
    /// <param name="label">Legend label.</param>
    /// <returns>This panel.</returns>
    public Axes ContourFilled(IReadOnlyList<double> x, IReadOnlyList<double> y, double[,] z, IReadOnlyList<double>? levels = null, int levelCount = 10, Colormap? colormap = null, double alpha = 1, string? label = null)
        => Add(new FilledContourItem(x, y, z, levels, levelCount) { Colormap = colormap ?? Colormap.Viridis, Alpha = alpha, Label = label });

    /// <summary>Returns the x limits that will be drawn: the fixed ones, or the padded data range.</summary>
    /// <returns>The effective x limits.</returns>
    public Interval GetXLimits() => XLimits ?? AutoLimits(ComputeBounds(), x: true);

    /// <summary>Returns the y limits that will be drawn: the fixed ones, or the padded data range.</summary>
    /// <returns>The effective y limits.</returns>
    public Interval GetYLimits() => YLimits ?? AutoLimits(ComputeBounds(), x: false);

    /// <summary>Returns the tick positions for an axis of <paramref name="pixels"/> length.</summary>
    internal static double[] TicksFor(Interval limits, double pixels, IReadOnlyList<double>? fixedTicks, int maxTicks, double minSpacing)
    {
        if (fixedTicks is not null)
        {
            return fixedTicks.Where(t => limits.Contains(t) || new Interval(limits.Max, limits.Min).Contains(t)).ToArray();
        }

        // Fewer ticks on small panels so labels do not collide.
        int count = Math.Clamp((int)(pixels / minSpacing), 2, Math.Max(2, maxTicks));
        double[] ticks = NiceTicks.Generate(limits.Min, limits.Max, count);

        // A coarse step can leave a single tick (range 8.8 with step 5); refine until at least three show.
        for (int more = count + 1; ticks.Length < 3 && more <= count + 8; more++)
        {
            ticks = NiceTicks.Generate(limits.Min, limits.Max, more);
        }

        return ticks;
    }

    internal double[] XTicksFor(double pixels, double fontSize) => TicksFor(GetXLimits(), pixels, XTicks, MaxTicks, 5 * fontSize);

    internal double[] YTicksFor(double pixels, double fontSize) => TicksFor(GetYLimits(), pixels, YTicks, MaxTicks, 3 * fontSize);

    /// <summary>Renders the panel into the plot area <paramref name="box"/>; ids are prefixed so frames can share a document.</summary>
    internal XElement Render(PixelBox box, string id, double fontSize)
    {
        var transform = new AxisTransform(box, GetXLimits(), GetYLimits());
        double tickFont = 0.85 * fontSize;
        double[] xTicks = XTicksFor(box.Width, fontSize);
        double[] yTicks = YTicksFor(box.Height, fontSize);
        string clipId = id + "-clip";

        var g = Svg.El("g", new XAttribute("class", "axes"), new XAttribute("id", id));
        g.Add(Svg.El("defs", Svg.El("clipPath", new XAttribute("id", clipId), BoxRect(box))));

        if (Grid)
        {
            var grid = Svg.El("g", new XAttribute("class", "grid"), new XAttribute("stroke", "#dddddd"), new XAttribute("stroke-width", "0.8"));
            foreach (double t in xTicks)
            {
                grid.Add(PlainLine(transform.PixelX(t), box.Y, transform.PixelX(t), box.Bottom));
            }

            foreach (double t in yTicks)
            {
                grid.Add(PlainLine(box.X, transform.PixelY(t), box.Right, transform.PixelY(t)));
            }

            g.Add(grid);
        }

        var data = Svg.El("g", new XAttribute("class", "data"), new XAttribute("clip-path", $"url(#{clipId})"));
        foreach (PlotItem item in _items)
        {
            item.Render(data, transform, fontSize);
        }

        g.Add(data);

        // All four spines, as matplotlib's default style.
        g.Add(BoxRect(box, new XAttribute("class", "frame"), new XAttribute("fill", "none"), new XAttribute("stroke", "#333333"), new XAttribute("stroke-width", "1")));

        var xAxis = Svg.El("g", new XAttribute("class", "xaxis"), new XAttribute("stroke", "#333333"));
        double xStep = TickStep(xTicks);
        foreach (double t in xTicks)
        {
            double px = transform.PixelX(t);
            xAxis.Add(PlainLine(px, box.Bottom, px, box.Bottom + 4));
            xAxis.Add(TickLabel(px, box.Bottom + 5 + tickFont, NiceTicks.Format(t, xStep), tickFont, "middle"));
        }

        var yAxis = Svg.El("g", new XAttribute("class", "yaxis"), new XAttribute("stroke", "#333333"));
        double yStep = TickStep(yTicks);
        foreach (double t in yTicks)
        {
            double py = transform.PixelY(t);
            yAxis.Add(PlainLine(box.X - 4, py, box.X, py));
            yAxis.Add(TickLabel(box.X - 6, py + (0.35 * tickFont), NiceTicks.Format(t, yStep), tickFont, "end"));
        }

        g.Add(xAxis, yAxis);

        if (Title is not null)
        {
            g.Add(Svg.Text(box.X + (box.Width / 2), box.Y - (0.6 * fontSize), Title, fontSize * 1.05));
        }

        if (XLabel is not null)
        {
            g.Add(Svg.Text(box.X + (box.Width / 2), box.Bottom + 7 + tickFont + (1.25 * fontSize), XLabel, fontSize));
        }

        if (YLabel is not null)
        {
            double labelX = box.X - 10 - YTickLabelWidth(yTicks, fontSize) - (0.45 * fontSize);
            double labelY = box.Y + (box.Height / 2);
            XElement label = Svg.Text(labelX, labelY, YLabel, fontSize);
            label.Add(new XAttribute("transform", $"rotate(-90 {Svg.Num(labelX)} {Svg.Num(labelY)})"));
            g.Add(label);
        }

        if (ShowLegend)
        {
            XElement? legend = RenderLegend(box, fontSize);
            if (legend is not null)
            {
                g.Add(legend);
            }
        }

        return g;
    }

    /// <summary>Estimated pixel width of the widest y tick label (no text metrics in SVG generation).</summary>
    internal static double YTickLabelWidth(double[] yTicks, double fontSize)
    {
        double step = TickStep(yTicks);
        int chars = yTicks.Length == 0 ? 1 : yTicks.Max(t => NiceTicks.Format(t, step).Length);
        return chars * 0.6 * 0.85 * fontSize;
    }

    private static double TickStep(double[] ticks) => ticks.Length >= 2 ? Math.Abs(ticks[1] - ticks[0]) : (ticks.Length == 1 ? Math.Max(Math.Abs(ticks[0]), 1) : 1);

    private XElement? RenderLegend(PixelBox box, double fontSize)
    {
        var entries = _items.Where(i => !string.IsNullOrEmpty(i.Label) && i is not TextItem).ToList();
        if (entries.Count == 0)
        {
            return null;
        }

        double font = 0.85 * fontSize, rowHeight = 1.4 * font, keyWidth = 2 * font, pad = 0.5 * font;
        double width = pad + keyWidth + pad + (entries.Max(e => e.Label!.Length) * 0.58 * font) + pad;
        double height = (entries.Count * rowHeight) + pad;
        double inset = 6;
        double x = LegendLocation is LegendLocation.UpperLeft or LegendLocation.LowerLeft ? box.X + inset : box.Right - inset - width;
        double y = LegendLocation is LegendLocation.UpperLeft or LegendLocation.UpperRight ? box.Y + inset : box.Bottom - inset - height;

        var g = Svg.El("g", new XAttribute("class", "legend"));
        g.Add(Svg.El(
            "rect",
            new XAttribute("x", Svg.Num(x)),
            new XAttribute("y", Svg.Num(y)),
            new XAttribute("width", Svg.Num(width)),
            new XAttribute("height", Svg.Num(height)),
            new XAttribute("rx", "3"),
            new XAttribute("fill", "white"),
            new XAttribute("fill-opacity", "0.8"),
            new XAttribute("stroke", "#cccccc")));
        for (int i = 0; i < entries.Count; i++)
        {
            double cy = y + pad + ((i + 0.5) * rowHeight) - (0.15 * font);
            g.Add(entries[i].LegendKey(x + pad, cy, keyWidth));
            g.Add(Svg.Text(x + pad + keyWidth + pad, cy + (0.35 * font), entries[i].Label!, font, "start"));
        }

        return g;
    }

    private Axes Add(PlotItem item)
    {
        _items.Add(item);
        return this;
    }

    private DataBounds ComputeBounds()
    {
        var bounds = new DataBounds();
        foreach (PlotItem item in _items)
        {
            item.Extend(bounds);
        }

        return bounds;
    }

    private Interval AutoLimits(DataBounds bounds, bool x)
    {
        bool has = x ? bounds.HasX : bounds.HasY;
        if (!has)
        {
            return new Interval(0, 1);
        }

        double min = x ? bounds.XMin : bounds.YMin;
        double max = x ? bounds.XMax : bounds.YMax;
        if (max == min)
        {
            // A single value: open a window around it like matplotlib does.
            double half = min == 0 ? 0.5 : Math.Abs(min) * 0.05;
            return new Interval(min - half, max + half);
        }

        double pad = (max - min) * Margin;
        double lo = min - pad, hi = max + pad;
        foreach (double s in x ? bounds.StickyX : bounds.StickyY)
        {
            // Padding may not cross a sticky value that the data reaches.
            if (lo < s && s <= min)
            {
                lo = s;
            }

            if (hi > s && s >= max)
            {
                hi = s;
            }
        }

        return new Interval(lo, hi);
    }

    private static XElement BoxRect(PixelBox box, params object[] extra) => Svg.El(
        "rect",
        new XAttribute("x", Svg.Num(box.X)),
        new XAttribute("y", Svg.Num(box.Y)),
        new XAttribute("width", Svg.Num(box.Width)),
        new XAttribute("height", Svg.Num(box.Height)),
        extra);

    private static XElement PlainLine(double x1, double y1, double x2, double y2) => Svg.El(
        "line",
        new XAttribute("x1", Svg.Num(x1)),
        new XAttribute("y1", Svg.Num(y1)),
        new XAttribute("x2", Svg.Num(x2)),
        new XAttribute("y2", Svg.Num(y2)));

    private static XElement TickLabel(double x, double y, string text, double fontSize, string anchor)
    {
        XElement label = Svg.Text(x, y, text, fontSize, anchor, "#222222");

        // The axis group strokes its tick marks; labels must not inherit that outline.
        label.Add(new XAttribute("stroke", "none"));
        return label;
    }
}
