namespace KlDivergence.Random;

/// <summary>The identity <see cref="IDrawMap"/>: the draws as drawn.</summary>
internal readonly struct UnchangedDraw : IDrawMap
{
    /// <inheritdoc/>
    public double Apply(double draw) => draw;
}
