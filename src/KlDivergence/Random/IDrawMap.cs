namespace KlDivergence.Random;

/// <summary>
/// A map applied to each draw as a stream writes it (<see cref="RandomStream.FillNormal{TMap}"/>): a struct, so the
/// call is specialised and inlined into the draw loop.
/// </summary>
internal interface IDrawMap
{
    /// <summary>The value written for <paramref name="draw"/>.</summary>
    double Apply(double draw);
}
