using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// Where a univariate distribution puts its mass: for each batch element, a few places, each a centre and a width
/// (the scale on which the density changes there, e.g. a component's standard deviation). Quadrature places its
/// break points around every place on the scale of its width, so that narrow, well-separated peaks are not
/// missed. A NaN centre or width means "unknown" and is skipped.
/// </summary>
public sealed class MassLocations
{
    /// <summary>Creates the places.</summary>
    /// <param name="centre">The centres, shape [...BatchShape, M] with M ≥ 0 places per batch element.</param>
    /// <param name="width">The widths (non-negative or NaN), the same shape as <paramref name="centre"/>.</param>
    /// <exception cref="ArgumentException">The shapes differ or are scalars.</exception>
    public MassLocations(Tensor centre, Tensor width)
    {
        ArgumentNullException.ThrowIfNull(centre);
        ArgumentNullException.ThrowIfNull(width);
        if (centre.Rank == 0 || !Shapes.Equal(centre.ShapeArray, width.ShapeArray))
        {
            throw new ArgumentException(
                $"Mass locations need centres and widths of one shape [...BatchShape, M]; got {Shapes.Format(centre.ShapeArray)} and {Shapes.Format(width.ShapeArray)}.", nameof(width));
        }

        Centre = centre;
        Width = width;
    }

    /// <summary>The centres, shape [...BatchShape, M].</summary>
    public Tensor Centre { get; }

    /// <summary>The widths, shape [...BatchShape, M].</summary>
    public Tensor Width { get; }

    /// <summary>The number of places M per batch element.</summary>
    public int Count => Centre.ShapeArray[^1];

    /// <summary>One place per batch element: <paramref name="centre"/> and <paramref name="width"/> are batch-shaped.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static MassLocations Single(Tensor centre, Tensor width)
    {
        ArgumentNullException.ThrowIfNull(centre);
        ArgumentNullException.ThrowIfNull(width);
        return new MassLocations(centre.Unsqueeze(-1), width.Unsqueeze(-1));
    }

    /// <summary>The places of several distributions over one batch, side by side (the last axis concatenated).</summary>
    /// <exception cref="ArgumentException">The batch shapes differ or the list is empty.</exception>
    public static MassLocations Combine(IReadOnlyList<MassLocations> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("Mass locations: nothing to combine.", nameof(parts));
        }

        return new MassLocations(ShapeOps.Concat(-1, [.. parts.Select(p => p.Centre)]), ShapeOps.Concat(-1, [.. parts.Select(p => p.Width)]));
    }
}
