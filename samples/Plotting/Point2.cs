namespace KlDivergence.Samples.Plotting;

/// <summary>A point in two dimensions, in data or pixel coordinates depending on context.</summary>
/// <param name="X">Horizontal coordinate.</param>
/// <param name="Y">Vertical coordinate.</param>
public readonly record struct Point2(double X, double Y);
