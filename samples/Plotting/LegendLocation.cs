namespace KlDivergence.Samples.Plotting;

/// <summary>Corner of the plot area where the legend box is drawn.</summary>
public enum LegendLocation
{
    /// <summary>Top right corner.</summary>
    UpperRight,

    /// <summary>Top left corner.</summary>
    UpperLeft,

    /// <summary>Bottom right corner.</summary>
    LowerRight,

    /// <summary>Bottom left corner.</summary>
    LowerLeft,
}
