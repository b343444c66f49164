namespace KlDivergence.Divergences.Quadrature;

/// <summary>
/// Several integrands evaluated together at many points: component c at point i goes to
/// <c>values[c * x.Length + i]</c>.
/// </summary>
internal delegate void VectorIntegrand(ReadOnlySpan<double> x, Span<double> values);
