namespace KlDivergence.Samples.Plotting;

/// <summary>Maps data coordinates of one panel into SVG pixels inside its plot area.</summary>
public sealed class AxisTransform
{
    /// <summary>Initialises the transform.</summary>
    /// <param name="box">The plot area in pixels.</param>
    /// <param name="x">Data limits along x, mapped to the left and right edges.</param>
    /// <param name="y">Data limits along y, mapped to the bottom and top edges.</param>
    public AxisTransform(PixelBox box, Interval x, Interval y)
    {
        Box = box;
        X = x;
        Y = y;
    }

    /// <summary>Gets the plot area in pixels.</summary>
    public PixelBox Box { get; }

    /// <summary>Gets the x data limits.</summary>
    public Interval X { get; }

    /// <summary>Gets the y data limits.</summary>
    public Interval Y { get; }

    /// <summary>Maps a data x to a pixel column.</summary>
    /// <param name="x">Data x.</param>
    /// <returns>Pixel x.</returns>
    public double PixelX(double x) => Box.X + ((x - X.Min) / X.Length * Box.Width);

    /// <summary>Maps a data y to a pixel row (SVG y grows downwards, so the axis is flipped).</summary>
    /// <param name="y">Data y.</param>
    /// <returns>Pixel y.</returns>
    public double PixelY(double y) => Box.Bottom - ((y - Y.Min) / Y.Length * Box.Height);

    /// <summary>Maps a data point to pixels.</summary>
    /// <param name="p">Data point.</param>
    /// <returns>Pixel point.</returns>
    public Point2 ToPixel(Point2 p) => new(PixelX(p.X), PixelY(p.Y));
}
