using KlDivergence.Random;

namespace KlDivergence.Distributions;

/// <summary>The <see cref="IDrawMap"/> μ + σ ε (<see cref="LocationScale.Shift(double, double, double)"/>) for one location and scale.</summary>
internal readonly struct ShiftedDraw(double loc, double scale) : IDrawMap
{
    /// <inheritdoc/>
    public double Apply(double draw) => LocationScale.Shift(loc, scale, draw);
}
