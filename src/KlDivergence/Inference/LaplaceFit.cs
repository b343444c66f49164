using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>The outcome of <c>LaplaceApproximation.Fit</c>: N(x̂, (-∇²log p(x̂))⁻¹), its draws and diagnostics.</summary>
/// <param name="Map">The mode and the L-BFGS run that found it.</param>
/// <param name="NegativeHessian">-∇²log p at the mode (central differences of exact gradients, symmetrised), [d, d].</param>
/// <param name="Approximation">The normal approximation.</param>
/// <param name="Draws">Draws of the approximation, [S, d].</param>
/// <param name="Diagnostics">Pareto k-hat, importance-weighted estimates and ELBO from the draws, and all evaluations spent.</param>
public sealed record LaplaceFit(MapEstimate Map, Tensor NegativeHessian, MultivariateNormal Approximation, Tensor Draws, FitDiagnostics Diagnostics)
{
    /// <summary>The mean (the mode).</summary>
    public Tensor Mean => Approximation.Loc;

    /// <summary>The covariance, the inverse of <see cref="NegativeHessian"/>.</summary>
    public Tensor Covariance => Approximation.CovarianceMatrix;
}
