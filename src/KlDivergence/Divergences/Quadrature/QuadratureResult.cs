using KlDivergence.Diagnostics;

namespace KlDivergence.Divergences.Quadrature;

/// <summary>The outcome of an adaptive integration.</summary>
/// <param name="Value">The estimate of the integral.</param>
/// <param name="ErrorEstimate">An estimate of |Value - exact| (Gauss–Kronrod difference, summed over intervals).</param>
/// <param name="Evaluations">How many times the integrand was evaluated.</param>
/// <param name="Subintervals">How many intervals the final partition has.</param>
/// <param name="Converged">False when the subdivision limit was reached before the tolerance was met.</param>
public readonly record struct QuadratureResult(double Value, double ErrorEstimate, int Evaluations, int Subintervals, bool Converged)
{
    /// <summary>The value with its error estimate in the library's one estimate shape (unbatched).</summary>
    public Estimate Estimate => Estimate.FromScalars(Value, ErrorEstimate);
}
