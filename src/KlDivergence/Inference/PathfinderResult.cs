using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>The outcome of <see cref="Pathfinder"/>: approximate posterior draws, the best normal approximation, the paths and the diagnostics.</summary>
/// <param name="Draws">
/// The draws, [S, d]: for a single path, draws of its best approximation; for multi-path, draws resampled with
/// replacement from the paths' pooled draws by their Pareto-smoothed importance weights.
/// </param>
/// <param name="Approximation">The normal approximation with the largest ELBO (over all paths).</param>
/// <param name="Paths">Every path that produced an approximation, in index order.</param>
/// <param name="Diagnostics">
/// k-hat, importance-weighted estimates and ELBO from the draws of the approximations before resampling (the pooled
/// draws for multi-path, each scored against its own path's normal, as in the paper), and the evaluations of all paths.
/// </param>
public sealed record PathfinderResult(Tensor Draws, MultivariateNormal Approximation, IReadOnlyList<PathfinderPath> Paths, FitDiagnostics Diagnostics);
