using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>The outcome of <see cref="AutomaticFit.Fit"/>: the full-rank Gaussian, its draws, how it was found and its diagnostics.</summary>
/// <param name="Approximation">The fitted full-rank normal q.</param>
/// <param name="Draws">Draws of q, [S, d].</param>
/// <param name="Diagnostics">k-hat of log p - log q, importance-weighted estimates, ELBO with its standard error, and every evaluation of the fit (Pathfinder's included).</param>
/// <param name="Initialization">Where the initial Gaussian came from.</param>
/// <param name="RefinementSteps">ELBO steps taken after initialisation.</param>
/// <param name="Converged">True when the refinement stopped on the ELBO criterion rather than the step cap.</param>
/// <param name="WindowElbos">The ELBO at each check of the refinement (common random numbers, so their differences are precise).</param>
public sealed record PosteriorFit(
    MultivariateNormal Approximation,
    Tensor Draws,
    FitDiagnostics Diagnostics,
    AutomaticFitInitialization Initialization,
    int RefinementSteps,
    bool Converged,
    IReadOnlyList<double> WindowElbos);
