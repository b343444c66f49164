namespace KlDivergence.Samples.Plotting;

/// <summary>Horizontal alignment of a text annotation relative to its anchor point.</summary>
public enum TextAnchor
{
    /// <summary>Text starts at the point.</summary>
    Start,

    /// <summary>Text is centred on the point.</summary>
    Middle,

    /// <summary>Text ends at the point.</summary>
    End,
}
