using KlDivergence.Divergences;
using KlDivergence.Optimization;

namespace KlDivergence.Inference;

/// <summary>
/// The outcome of a <see cref="KlFitting"/> fit: the loss trace and how the objective's gradient was obtained.
/// </summary>
/// <param name="Trace">The minimisation trace of the objective (KL, or the cross-entropy / negative log-likelihood).</param>
/// <param name="GradientEstimator">
/// <see cref="KlGradientEstimator.Exact"/> for a closed-form KL or a deterministic objective over given data;
/// <see cref="KlGradientEstimator.Reparameterized"/> for pathwise Monte Carlo (including forward KL over samples of
/// the target, which do not depend on the fitted parameters); <see cref="KlGradientEstimator.ScoreFunction"/> when
/// the model could not be reparameterised and the score-function term was used; <see cref="KlGradientEstimator.None"/>
/// when no step was taken. The estimator of the last step.
/// </param>
public sealed record KlFit(MinimizeTrace Trace, KlGradientEstimator GradientEstimator);
