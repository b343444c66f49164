using KlDivergence.Distributions;
using KlDivergence.Optimization;

namespace KlDivergence.Inference;

/// <summary>One Pathfinder path: its start, the L-BFGS run, the ELBO of the normal approximation at every iterate, and the best.</summary>
/// <param name="Index">The path's index (its stream is derived from the seed and this index).</param>
/// <param name="Initial">The starting point.</param>
/// <param name="Trace">The L-BFGS run on -log p.</param>
/// <param name="Elbos">The ELBO estimate of the approximation at iterates 1..L (-∞ where none could be formed).</param>
/// <param name="BestIteration">The iterate whose approximation has the largest ELBO.</param>
/// <param name="Approximation">That approximation.</param>
/// <param name="GradientEvaluations">Gradient evaluations of log p this path spent (line searches included).</param>
/// <param name="DensityEvaluations">Evaluations of log p alone this path spent (ELBO draws and final draws).</param>
public sealed record PathfinderPath(
    int Index,
    IReadOnlyList<double> Initial,
    LbfgsTrace Trace,
    IReadOnlyList<double> Elbos,
    int BestIteration,
    MultivariateNormal Approximation,
    int GradientEvaluations,
    int DensityEvaluations);
