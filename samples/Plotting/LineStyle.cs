namespace KlDivergence.Samples.Plotting;

/// <summary>Stroke dash patterns, after matplotlib's <c>'-'</c>, <c>'--'</c>, <c>':'</c> and <c>'-.'</c>.</summary>
public enum LineStyle
{
    /// <summary>Continuous line.</summary>
    Solid,

    /// <summary>Long dashes.</summary>
    Dashed,

    /// <summary>Dots.</summary>
    Dotted,

    /// <summary>Alternating dash and dot.</summary>
    DashDot,
}
