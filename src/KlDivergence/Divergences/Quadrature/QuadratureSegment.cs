namespace KlDivergence.Divergences.Quadrature;

/// <summary>One interval of a final partition, in x, with each component's integral over it and its error estimate.</summary>
internal sealed record QuadratureSegment(double Lower, double Upper, double[] Values, double[] Errors);
