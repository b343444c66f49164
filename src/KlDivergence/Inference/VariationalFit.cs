using KlDivergence.Distributions;
using KlDivergence.Optimization;

namespace KlDivergence.Inference;

/// <summary>The outcome of <see cref="VariationalInference.Fit"/>: the loss trace (negative ELBO) and the fitted posterior.</summary>
/// <param name="Trace">The minimisation trace of -ELBO.</param>
/// <param name="Posterior">The fitted surrogate at its final values (no graph), ready to sample.</param>
public sealed record VariationalFit(MinimizeTrace Trace, Distribution Posterior);
