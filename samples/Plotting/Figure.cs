using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>
/// A figure with an optional title and a grid of <see cref="Axes"/> panels, like
/// <c>fig, axs = plt.subplots(rows, columns)</c>, rendered as a standalone SVG 1.1 document.
/// </summary>
public sealed class Figure
{
    private readonly Axes[] _panels;

    /// <summary>Initialises a figure with a <paramref name="rows"/> × <paramref name="columns"/> grid of panels.</summary>
    /// <param name="rows">Number of panel rows.</param>
    /// <param name="columns">Number of panel columns.</param>
    /// <param name="width">Width in pixels; defaults to 640 for one column, else 320 per column.</param>
    /// <param name="height">Height in pixels; defaults to 480 for one row, else 260 per row.</param>
    public Figure(int rows = 1, int columns = 1, double? width = null, double? height = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        Rows = rows;
        Columns = columns;
        Width = width ?? (columns == 1 ? 640 : 320 * columns);
        Height = height ?? (rows == 1 ? 480 : 260 * rows);
        _panels = new Axes[rows * columns];
        for (int i = 0; i < _panels.Length; i++)
        {
            _panels[i] = new Axes(i / columns, i % columns);
        }
    }

    /// <summary>Gets the number of panel rows.</summary>
    public int Rows { get; }

    /// <summary>Gets the number of panel columns.</summary>
    public int Columns { get; }

    /// <summary>Gets or sets the width in pixels.</summary>
    public double Width { get; set; }

    /// <summary>Gets or sets the height in pixels.</summary>
    public double Height { get; set; }

    /// <summary>Gets or sets the figure title (matplotlib's <c>suptitle</c>).</summary>
    public string? Title { get; set; }

    /// <summary>Gets or sets the base font size in pixels.</summary>
    public double FontSize { get; set; } = 11;

    /// <summary>Gets or sets the background colour.</summary>
    public string Background { get; set; } = "white";

    /// <summary>Gets the panels in row-major order.</summary>
    public IReadOnlyList<Axes> Panels => _panels;

    /// <summary>Gets the panel at a grid position.</summary>
    /// <param name="row">Zero-based row.</param>
    /// <param name="column">Zero-based column.</param>
    public Axes this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            return _panels[(row * Columns) + column];
        }
    }

    /// <summary>Gets the panel at a row-major index (like <c>axs.flat[index]</c>).</summary>
    /// <param name="index">Zero-based index.</param>
    public Axes this[int index] => _panels[index];

    /// <summary>Returns the pixel rectangle of a panel's plot area (inside its ticks and labels).</summary>
    /// <param name="row">Zero-based row.</param>
    /// <param name="column">Zero-based column.</param>
    /// <returns>The plot area.</returns>
    public PixelBox GetPlotArea(int row, int column) => PlotArea(this[row, column]);

    /// <summary>Returns the data-to-pixel transform of a panel as it will be rendered now.</summary>
    /// <param name="row">Zero-based row.</param>
    /// <param name="column">Zero-based column.</param>
    /// <returns>The transform.</returns>
    public AxisTransform GetTransform(int row, int column)
    {
        Axes axes = this[row, column];
        return new AxisTransform(PlotArea(axes), axes.GetXLimits(), axes.GetYLimits());
    }

    /// <summary>Renders the figure as an SVG document.</summary>
    /// <returns>A document whose root is <c>&lt;svg&gt;</c> in the SVG namespace.</returns>
    public XDocument ToXDocument()
    {
        XElement root = SvgRoot(Width, Height);
        root.Add(RenderContent(string.Empty));
        return Svg.Document(root);
    }

    /// <summary>Renders the figure as SVG text, with an XML declaration.</summary>
    /// <returns>The SVG markup.</returns>
    public string ToSvgString() => Svg.Serialize(ToXDocument());

    /// <summary>Writes the SVG to <paramref name="path"/>, creating its directory if needed.</summary>
    /// <param name="path">Target file, normally ending in <c>.svg</c>.</param>
    public void Save(string path) => Svg.Save(ToXDocument(), path);

    /// <summary>Creates an empty <c>&lt;svg&gt;</c> root of the given size.</summary>
    internal static XElement SvgRoot(double width, double height) => Svg.El(
        "svg",
        new XAttribute("version", "1.1"),
        new XAttribute("width", Svg.Num(width)),
        new XAttribute("height", Svg.Num(height)),
        new XAttribute("viewBox", $"0 0 {Svg.Num(width)} {Svg.Num(height)}"),
        new XAttribute("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"));

    /// <summary>Renders background, title and panels into one group; <paramref name="idPrefix"/> keeps ids unique across frames.</summary>
    internal XElement RenderContent(string idPrefix)
    {
        var g = Svg.El("g", new XAttribute("class", "figure"));
        g.Add(Svg.El(
            "rect",
            new XAttribute("width", Svg.Num(Width)),
            new XAttribute("height", Svg.Num(Height)),
            new XAttribute("fill", Background)));
        if (Title is not null)
        {
            g.Add(Svg.Text(Width / 2, 1.5 * FontSize * 1.25, Title, FontSize * 1.25));
        }

        foreach (Axes axes in _panels)
        {
            g.Add(axes.Render(PlotArea(axes), $"{idPrefix}ax-{axes.Row}-{axes.Column}", FontSize));
        }

        return g;
    }

    /// <summary>Places a panel's plot area inside its grid cell, leaving room for title, ticks and labels.</summary>
    private PixelBox PlotArea(Axes axes)
    {
        double f = FontSize, tickFont = 0.85 * f;
        double titleBand = Title is null ? 0 : 2.4 * f * 1.25;
        double cellWidth = Width / Columns, cellHeight = (Height - titleBand) / Rows;
        double cellX = axes.Column * cellWidth, cellY = titleBand + (axes.Row * cellHeight);

        double top = axes.Title is null ? 0.9 * f : 2.1 * f;
        double bottom = 5 + tickFont + 6 + (axes.XLabel is null ? 0 : 1.5 * f);
        double plotHeight = Math.Max(10, cellHeight - top - bottom);

        // The left margin depends on the widest y tick label, which depends on the plot height.
        double[] yTicks = axes.YTicksFor(plotHeight, f);
        double left = 10 + Axes.YTickLabelWidth(yTicks, f) + (axes.YLabel is null ? 0 : 1.5 * f) + 4;
        double right = 1.6 * f;
        double plotWidth = Math.Max(10, cellWidth - left - right);
        return new PixelBox(cellX + left, cellY + top, plotWidth, plotHeight);
    }
}
