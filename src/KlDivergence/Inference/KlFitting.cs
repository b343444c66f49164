using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// Fitting a model distribution q_φ to a target p by minimising a KL divergence: reverse KL(q ‖ p) (mode-seeking)
/// or forward KL(p ‖ q) (mode-covering, which from samples of p is maximum likelihood).
/// </summary>
public static class KlFitting
{
    /// <summary>
    /// Minimises KL(q_φ ‖ p): exactly where a closed form is registered, else by Monte Carlo with
    /// <paramref name="sampleCount"/> fresh samples of q per step from <paramref name="random"/>:
    /// pathwise when q can be reparameterised, with the score-function term when it cannot (mixtures, discrete
    /// families). The result says which (<see cref="KlFit.GradientEstimator"/>).
    /// </summary>
    /// <param name="target">The target p.</param>
    /// <param name="model">Builds q_φ from the parameters' current values.</param>
    /// <param name="parameters">φ.</param>
    /// <param name="options">Optimizer, steps, convergence, progress.</param>
    /// <param name="sampleCount">Samples per step when Monte Carlo is needed.</param>
    /// <param name="random">The sample stream.</param>
    public static KlFit Reverse(
        Distribution target, Func<Distribution> model, IReadOnlyList<Parameter> parameters, MinimizeOptions options, RandomStream random, int sampleCount = 1000)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(random);
        var estimator = KlGradientEstimator.None;
        var trace = Minimizer.Minimize(
            () =>
            {
                var q = model();
                if (KlRegistry.Default.HasClosedForm(q, target))
                {
                    estimator = KlGradientEstimator.Exact;
                    return Kl.Exact(q, target).Sum();
                }

                var estimate = Kl.MonteCarlo(q, target, sampleCount, random);
                estimator = estimate.GradientEstimator;
                return estimate.Value.Sum();
            },
            parameters,
            options);
        return new KlFit(trace, estimator);
    }

    /// <summary>
    /// Minimises KL(p ‖ q_φ): exactly where a closed form is registered, else the cross-entropy -E_p[log q_φ(X)]
    /// (KL up to p's entropy, a constant) over <paramref name="sampleCount"/> samples of p drawn once. The
    /// estimator is <see cref="KlGradientEstimator.Exact"/> for the closed form and
    /// <see cref="KlGradientEstimator.Reparameterized"/> for the samples (they do not depend on φ, so the gradient
    /// of their mean is pathwise and unbiased).
    /// </summary>
    /// <param name="target">The target p.</param>
    /// <param name="model">Builds q_φ from the parameters' current values.</param>
    /// <param name="parameters">φ.</param>
    /// <param name="options">Optimizer, steps, convergence, progress.</param>
    /// <param name="random">The stream of p's samples (drawn once, at the first step that needs them).</param>
    /// <param name="sampleCount">Samples of p when no closed form is registered.</param>
    public static KlFit Forward(
        Distribution target, Func<Distribution> model, IReadOnlyList<Parameter> parameters, MinimizeOptions options, RandomStream random, int sampleCount = 1000)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(random);
        Tensor? samples = null;
        var estimator = KlGradientEstimator.None;
        var trace = Minimizer.Minimize(
            () =>
            {
                var q = model();
                if (KlRegistry.Default.HasClosedForm(target, q))
                {
                    estimator = KlGradientEstimator.Exact;
                    return Kl.Exact(target, q).Sum();
                }

                estimator = KlGradientEstimator.Reparameterized;
                // Drawn once and kept as data for every step (detached: a step's graph never owns it).
                samples ??= target.Sample(sampleCount, random).Detach();
                return -q.LogProb(samples).Mean();
            },
            parameters,
            options);
        return new KlFit(trace, estimator);
    }

    /// <summary>
    /// Maximum likelihood: minimises -(1/n) Σ log q_φ(xᵢ) over samples xᵢ of p, the sample form of forward
    /// KL(p ‖ q_φ) (they differ by p's entropy, a constant). The gradient of this objective over the given data is
    /// exact (<see cref="KlGradientEstimator.Exact"/>).
    /// </summary>
    /// <param name="samples">The data, shape [n, ...event].</param>
    /// <param name="model">Builds q_φ from the parameters' current values.</param>
    /// <param name="parameters">φ.</param>
    /// <param name="options">Optimizer, steps, convergence, progress.</param>
    public static KlFit MaximumLikelihood(Tensor samples, Func<Distribution> model, IReadOnlyList<Parameter> parameters, MinimizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(model);
        var trace = Minimizer.Minimize(() => -model().LogProb(samples).Mean(), parameters, options);
        return new KlFit(trace, trace.Steps == 0 ? KlGradientEstimator.None : KlGradientEstimator.Exact);
    }

    /// <summary>
    /// <see cref="Reverse(Distribution, Func{Distribution}, IReadOnlyList{Parameter}, MinimizeOptions, RandomStream, int)"/>
    /// with the sample stream <c>new RandomStream(seed)</c>: a convenience, the same fit as passing that stream.
    /// </summary>
    public static KlFit Reverse(
        Distribution target, Func<Distribution> model, IReadOnlyList<Parameter> parameters, MinimizeOptions options, int sampleCount = 1000, ulong seed = 0) =>
        Reverse(target, model, parameters, options, new RandomStream(seed), sampleCount);

    /// <summary>
    /// <see cref="Forward(Distribution, Func{Distribution}, IReadOnlyList{Parameter}, MinimizeOptions, RandomStream, int)"/>
    /// with the sample stream <c>new RandomStream(seed)</c>: a convenience, the same fit as passing that stream.
    /// </summary>
    public static KlFit Forward(
        Distribution target, Func<Distribution> model, IReadOnlyList<Parameter> parameters, MinimizeOptions options, int sampleCount = 1000, ulong seed = 0) =>
        Forward(target, model, parameters, options, new RandomStream(seed), sampleCount);
}
