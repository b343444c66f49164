namespace KlDivergence.Samples.Plotting;

/// <summary>One connected iso-line produced by <see cref="MarchingSquares"/>.</summary>
/// <param name="Level">The iso-value.</param>
/// <param name="Points">Vertices in data coordinates; for closed lines the first point is repeated at the end.</param>
/// <param name="IsClosed">Whether the line is a loop rather than ending on the grid boundary.</param>
public sealed record ContourLine(double Level, IReadOnlyList<Point2> Points, bool IsClosed);
