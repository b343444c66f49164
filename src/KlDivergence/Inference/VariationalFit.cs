using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Optimization;

namespace KlDivergence.Inference;

/// <summary>
/// The outcome of <see cref="VariationalInference.Fit"/>: the loss trace (negative ELBO), the fitted posterior and how
/// the gradient of -ELBO = KL(q ‖ p) - log Z was obtained.
/// </summary>
/// <param name="Trace">The minimisation trace of -ELBO.</param>
/// <param name="Posterior">The fitted surrogate at its final values (no graph), ready to sample.</param>
/// <param name="GradientEstimator">
/// <see cref="KlGradientEstimator.Reparameterized"/>: the ELBO is estimated from reparameterised samples of the
/// surrogate (a surrogate without a reparameterised sampler is refused with an exception naming its family).
/// </param>
/// <param name="ElboGradient">Which reparameterised ELBO estimator was used.</param>
public record VariationalFit(
    MinimizeTrace Trace,
    Distribution Posterior,
    KlGradientEstimator GradientEstimator = KlGradientEstimator.Reparameterized,
    ElboGradient ElboGradient = ElboGradient.Reparameterized);
