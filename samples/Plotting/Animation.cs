using System.Xml.Linq;

namespace KlDivergence.Samples.Plotting;

/// <summary>
/// A looping animation saved as one SVG: each frame is a group whose visibility is switched by
/// SMIL <c>&lt;animate calcMode="discrete"&gt;</c>, so it plays in any browser without script.
/// </summary>
public sealed class Animation
{
    private readonly List<Figure> _frames = [];

    /// <summary>Initialises an empty animation.</summary>
    /// <param name="frameSeconds">How long each frame is shown.</param>
    public Animation(double frameSeconds = 0.2)
    {
        FrameSeconds = frameSeconds;
    }

    /// <summary>Gets or sets how long each frame is shown, in seconds.</summary>
    public double FrameSeconds
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    }

    /// <summary>Gets or sets whether each frame shows a "k / N" counter in its top-left corner.</summary>
    public bool ShowFrameCounter { get; set; } = true;

    /// <summary>Gets the frames in order.</summary>
    public IReadOnlyList<Figure> Frames => _frames;

    /// <summary>Gets the total loop duration in seconds.</summary>
    public double DurationSeconds => _frames.Count * FrameSeconds;

    /// <summary>Appends a frame; the document takes its size from the first frame.</summary>
    /// <param name="frame">The figure to show. It is rendered on save, so do not reuse one instance for several frames.</param>
    /// <returns>This animation.</returns>
    public Animation AddFrame(Figure frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _frames.Add(frame);
        return this;
    }

    /// <summary>Appends a single-panel frame drawn by <paramref name="draw"/>, sized like the first frame.</summary>
    /// <param name="draw">Fills the panel.</param>
    /// <param name="title">Optional figure title for this frame.</param>
    /// <returns>This animation.</returns>
    public Animation AddFrame(Action<Axes> draw, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(draw);
        var figure = new Figure(1, 1, _frames.FirstOrDefault()?.Width, _frames.FirstOrDefault()?.Height) { Title = title };
        draw(figure[0]);
        return AddFrame(figure);
    }

    /// <summary>Renders the animation as an SVG document.</summary>
    /// <returns>A document whose root is <c>&lt;svg&gt;</c> with one <c>&lt;g class="frame"&gt;</c> per frame.</returns>
    public XDocument ToXDocument()
    {
        if (_frames.Count == 0)
        {
            throw new InvalidOperationException("An animation needs at least one frame.");
        }

        double width = _frames[0].Width, height = _frames[0].Height;
        XElement root = Figure.SvgRoot(width, height);
        int n = _frames.Count;
        for (int i = 0; i < n; i++)
        {
            Figure frame = _frames[i];
            var g = Svg.El(
                "g",
                new XAttribute("class", "frame"),
                new XAttribute("id", $"frame-{i}"),
                new XAttribute("visibility", i == 0 ? "visible" : "hidden"));
            g.Add(frame.RenderContent($"f{i}-"));
            if (ShowFrameCounter)
            {
                // Top-left is free in every layout: the title is centred and tick labels sit lower down.
                XElement counter = Svg.Text(8, (0.8 * frame.FontSize) + 6, $"{i + 1} / {n}", 0.8 * frame.FontSize, "start", "#666666");
                counter.Add(new XAttribute("class", "frame-counter"));
                g.Add(counter);
            }

            if (n > 1)
            {
                g.Add(VisibilityAnimation(i, n));
            }

            root.Add(g);
        }

        return Svg.Document(root);
    }

    /// <summary>Renders the animation as SVG text.</summary>
    /// <returns>The SVG markup.</returns>
    public string ToSvgString() => Svg.Serialize(ToXDocument());

    /// <summary>Writes the SVG to <paramref name="path"/>, creating its directory if needed.</summary>
    /// <param name="path">Target file, normally ending in <c>.svg</c>.</param>
    public void Save(string path) => Svg.Save(ToXDocument(), path);

    /// <summary>
    /// Shows frame <paramref name="i"/> during [i/n, (i+1)/n) of one shared loop; all frames use the same
    /// duration and begin, so they stay in step on every repeat.
    /// </summary>
    private XElement VisibilityAnimation(int i, int n)
    {
        string values, keyTimes;
        if (i == 0)
        {
            values = "visible;hidden";
            keyTimes = $"0;{Svg.Val(1.0 / n)}";
        }
        else if (i == n - 1)
        {
            values = "hidden;visible";
            keyTimes = $"0;{Svg.Val((double)i / n)}";
        }
        else
        {
            values = "hidden;visible;hidden";
            keyTimes = $"0;{Svg.Val((double)i / n)};{Svg.Val((double)(i + 1) / n)}";
        }

        return Svg.El(
            "animate",
            new XAttribute("attributeName", "visibility"),
            new XAttribute("values", values),
            new XAttribute("keyTimes", keyTimes),
            new XAttribute("dur", $"{Svg.Val(n * FrameSeconds)}s"),
            new XAttribute("begin", "0s"),
            new XAttribute("calcMode", "discrete"),
            new XAttribute("repeatCount", "indefinite"));
    }
}
