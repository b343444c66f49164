using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Optimization;

namespace KlDivergence.Inference;

/// <summary>
/// The outcome of <c>VariationalInference.Fit</c>: the loss trace (negative ELBO), the fitted posterior and how
/// the gradient of -ELBO = KL(q ‖ p) - log Z was obtained.
/// </summary>
/// <param name="Trace">The minimisation trace of -ELBO.</param>
/// <param name="Posterior">The fitted surrogate at its final values (no graph), ready to sample.</param>
/// <param name="GradientEstimator">
/// <see cref="KlGradientEstimator.Reparameterized"/> when the ELBO is estimated from reparameterised samples of the
/// surrogate (stratified over a mixture's components included); <see cref="KlGradientEstimator.ScoreFunction"/> when
/// the surrogate has no reparameterised sampler and the score-function estimator was used.
/// </param>
/// <param name="ElboGradient">Which ELBO estimator was used (after the automatic choice).</param>
public record VariationalFit(
    MinimizeTrace Trace,
    Distribution Posterior,
    KlGradientEstimator GradientEstimator = KlGradientEstimator.Reparameterized,
    ElboGradient ElboGradient = ElboGradient.Reparameterized);
