using KlDivergence.Optimization;

namespace KlDivergence.Inference;

/// <summary>The outcome of <see cref="MaximumAPosteriori.Estimate"/>: the mode found, log p there, and the L-BFGS trace.</summary>
/// <param name="Mode">The mode x̂ (unconstrained coordinates).</param>
/// <param name="LogDensity">log p(x̂), unnormalised.</param>
/// <param name="Trace">The L-BFGS run on -log p (its evaluations are gradient evaluations of log p).</param>
public sealed record MapEstimate(IReadOnlyList<double> Mode, double LogDensity, LbfgsTrace Trace)
{
    /// <summary>True when L-BFGS met a tolerance (<see cref="LbfgsTrace.Converged"/>).</summary>
    public bool Converged => Trace.Converged;

    /// <summary>Gradient evaluations of log p spent, line searches included.</summary>
    public int GradientEvaluations => Trace.Evaluations;
}
