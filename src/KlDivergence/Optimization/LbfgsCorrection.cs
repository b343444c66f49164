namespace KlDivergence.Optimization;

/// <summary>
/// One L-BFGS correction pair: the step s = xₖ₊₁ - xₖ and the gradient change y = ∇f(xₖ₊₁) - ∇f(xₖ), kept only when
/// the curvature yᵀs is positive enough (yᵀs &gt; ε‖y‖², ε the machine epsilon) for the update to stay positive definite.
/// </summary>
/// <param name="Iteration">The iteration whose step produced the pair (1 for the first step).</param>
/// <param name="S">The step s.</param>
/// <param name="Y">The gradient change y.</param>
public sealed record LbfgsCorrection(int Iteration, IReadOnlyList<double> S, IReadOnlyList<double> Y);
