namespace KlDivergence.Divergences.Quadrature;

/// <summary>The outcome of integrating several integrands on one shared adaptive partition.</summary>
/// <param name="Values">Each component's integral.</param>
/// <param name="Errors">Each component's error estimate (summed over intervals).</param>
/// <param name="Converged">False when the tolerance could not be met.</param>
/// <param name="Failure">Why it did not converge; null when it did.</param>
/// <param name="Evaluations">How many points the integrand was evaluated at.</param>
/// <param name="Segments">The final partition, ordered by x.</param>
/// <param name="Nodes">The nodes of the final rule.</param>
/// <param name="Weights">The weights of the final rule: Σ wᵢ f(xᵢ) reproduces each value.</param>
internal sealed record VectorQuadratureResult(
    double[] Values, double[] Errors, bool Converged, string? Failure, int Evaluations, IReadOnlyList<QuadratureSegment> Segments, double[] Nodes, double[] Weights);
