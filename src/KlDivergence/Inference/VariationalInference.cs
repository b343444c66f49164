using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// Fits a surrogate posterior by maximising the ELBO (minimising -ELBO), the analogue of TensorFlow
/// Probability's <c>fit_surrogate_posterior</c>: a thin layer over <see cref="Minimizer.Minimize"/>.
/// </summary>
public static class VariationalInference
{
    /// <summary>Fits <paramref name="surrogate"/> to the unnormalised target log-density.</summary>
    /// <param name="targetLogProb">log p̃(z) for a batch of samples [n, ...event], returning shape [n].</param>
    /// <param name="surrogate">The trainable family (e.g. <see cref="MeanFieldNormal"/>, <see cref="FullRankNormal"/>).</param>
    /// <param name="options">Optimizer, steps, convergence, progress.</param>
    /// <param name="random">The sample stream (fresh samples every step; a stream with a fixed seed reproduces the run).</param>
    /// <param name="sampleCount">Samples of q per step.</param>
    /// <param name="gradient">
    /// The gradient estimator. The default becomes <see cref="ElboGradient.Stratified"/> for a mixture surrogate with
    /// reparameterisable components and <see cref="ElboGradient.ScoreFunction"/> for a surrogate with no
    /// reparameterised sampler; the result states which was used.
    /// </param>
    /// <param name="maxGradientNorm">
    /// Opt-in clipping: when set, the gradient is rescaled to this global L2 norm at most before the optimizer sees it
    /// (<see cref="ClipByGlobalNorm"/> chained in front). Off by default: a good threshold depends on the target's scale
    /// and dimension, and TFP's <c>fit_surrogate_posterior</c>, whose runs the samples reproduce, does not clip.
    /// An overflowing step is skipped by the minimize loop whether or not this is set.
    /// </param>
    /// <exception cref="InvalidOperationException">The target log-density does not depend on its input (it was computed outside the graph).</exception>
    /// <exception cref="MinimizeCanceledException">The options' token was cancelled; the exception carries the trace so far and the posterior reached.</exception>
    public static VariationalFit Fit(
        Func<Tensor, Tensor> targetLogProb,
        SurrogatePosterior surrogate,
        MinimizeOptions options,
        RandomStream random,
        int sampleCount = 100,
        ElboGradient gradient = ElboGradient.Reparameterized,
        double? maxGradientNorm = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(targetLogProb);
        ArgumentNullException.ThrowIfNull(surrogate);
        ArgumentNullException.ThrowIfNull(options);
        if (maxGradientNorm is { } maxNorm)
        {
            if (!(maxNorm > 0 && double.IsFinite(maxNorm)))
            {
                throw new ArgumentOutOfRangeException(nameof(maxGradientNorm), maxNorm, $"maxGradientNorm must be finite and positive, got {maxNorm}.");
            }

            options = options with { Optimizer = new Chain(new ClipByGlobalNorm(maxNorm), options.Optimizer) };
        }

        // Each step's ELBO standard error reaches the progress reports through the loss closure.
        double standardError = double.NaN;
        if (options.Progress is { } progress)
        {
            options = options with { Progress = new WithStandardError(progress, () => standardError) };
        }

        if (options.Callback is { } callback)
        {
            options = options with { Callback = p => callback(p with { LossStandardError = standardError }) };
        }

        var estimator = Elbo.Resolve(gradient, surrogate.Distribution);
        bool targetChecked = false;

        // The samples z carry the graph back to φ; a target evaluated through tensor operations returns a tensor that
        // records it. One that does not (computed through ToArray, say) contributes nothing to the gradient, so the fit
        // would maximise the entropy alone: refuse it on the first evaluation.
        Tensor Target(Tensor z)
        {
            var logTarget = targetLogProb(z);
            if (!targetChecked && z.RequiresGrad && logTarget is not null)
            {
                targetChecked = true;
                if (!logTarget.RequiresGrad)
                {
                    throw new InvalidOperationException(
                        "The target log-density does not depend on its input: no gradient flows from it to the samples, so the fit " +
                        "would follow the surrogate's entropy alone. Compute it with tensor operations on the samples it is given " +
                        "(not through ToArray, ToScalar or Detach).");
                }
            }

            return logTarget!;
        }

        Tensor NegativeElbo()
        {
            var elbo = Elbo.Estimate(Target, surrogate, sampleCount, random, estimator);
            standardError = elbo.StandardError;
            return -elbo.Value;
        }

        MinimizeTrace trace;
        try
        {
            trace = Minimizer.Minimize(NegativeElbo, surrogate.Parameters, options);
        }
        catch (MinimizeCanceledException canceled) when (canceled.Trace is not null)
        {
            throw new MinimizeCanceledException(canceled.Trace, surrogate.DetachedDistribution, canceled.CancellationToken);
        }

        var kind = estimator == ElboGradient.ScoreFunction ? KlGradientEstimator.ScoreFunction : KlGradientEstimator.Reparameterized;
        return new VariationalFit(trace, surrogate.DetachedDistribution, kind, estimator);
    }

    /// <summary>Fits <paramref name="surrogate"/> to the unnormalised target log-density and returns the posterior with the surrogate's own distribution type.</summary>
    /// <param name="targetLogProb">log p̃(z) for a batch of samples [n, ...event], returning shape [n].</param>
    /// <typeparam name="TDistribution">The surrogate's distribution type.</typeparam>
    /// <param name="surrogate">The trainable family (e.g. <see cref="MeanFieldNormal"/>, <see cref="FullRankNormal"/>).</param>
    /// <param name="options">Optimizer, steps, convergence, progress.</param>
    /// <param name="random">The sample stream (fresh samples every step; a stream with a fixed seed reproduces the run).</param>
    /// <param name="sampleCount">Samples of q per step.</param>
    /// <param name="gradient">The gradient estimator.</param>
    /// <param name="maxGradientNorm">
    /// Opt-in clipping: when set, the gradient is rescaled to this global L2 norm at most before the optimizer sees it
    /// (<see cref="ClipByGlobalNorm"/> chained in front). Off by default: a good threshold depends on the target's scale
    /// and dimension, and TFP's <c>fit_surrogate_posterior</c>, whose runs the samples reproduce, does not clip.
    /// An overflowing step is skipped by the minimize loop whether or not this is set.
    /// </param>
    /// <exception cref="InvalidOperationException">The target log-density does not depend on its input (it was computed outside the graph).</exception>
    /// <exception cref="MinimizeCanceledException">The options' token was cancelled; the exception carries the trace so far and the posterior reached.</exception>
    public static VariationalFit<TDistribution> Fit<TDistribution>(
        Func<Tensor, Tensor> targetLogProb,
        SurrogatePosterior<TDistribution> surrogate,
        MinimizeOptions options,
        RandomStream random,
        int sampleCount = 100,
        ElboGradient gradient = ElboGradient.Reparameterized,
        double? maxGradientNorm = null)
        where TDistribution : Distribution
    {
        var fit = Fit(targetLogProb, (SurrogatePosterior)surrogate, options, random, sampleCount, gradient, maxGradientNorm);
        return new VariationalFit<TDistribution>(fit.Trace, (TDistribution)fit.Posterior, fit.GradientEstimator, fit.ElboGradient);
    }

    /// <summary>
    /// <see cref="Fit(Func{Tensor, Tensor}, SurrogatePosterior, MinimizeOptions, RandomStream, int, ElboGradient, double?)"/>
    /// with the sample stream <c>new RandomStream(seed)</c>: a convenience, the same run as passing that stream.
    /// </summary>
    public static VariationalFit Fit(
        Func<Tensor, Tensor> targetLogProb,
        SurrogatePosterior surrogate,
        MinimizeOptions options,
        int sampleCount = 100,
        ulong seed = 0,
        ElboGradient gradient = ElboGradient.Reparameterized,
        double? maxGradientNorm = null) =>
        Fit(targetLogProb, surrogate, options, new RandomStream(seed), sampleCount, gradient, maxGradientNorm);

    /// <summary>
    /// <see cref="Fit{TDistribution}(Func{Tensor, Tensor}, SurrogatePosterior{TDistribution}, MinimizeOptions, RandomStream, int, ElboGradient, double?)"/>
    /// with the sample stream <c>new RandomStream(seed)</c>: a convenience, the same run as passing that stream.
    /// </summary>
    /// <typeparam name="TDistribution">The surrogate's distribution type.</typeparam>
    public static VariationalFit<TDistribution> Fit<TDistribution>(
        Func<Tensor, Tensor> targetLogProb,
        SurrogatePosterior<TDistribution> surrogate,
        MinimizeOptions options,
        int sampleCount = 100,
        ulong seed = 0,
        ElboGradient gradient = ElboGradient.Reparameterized,
        double? maxGradientNorm = null)
        where TDistribution : Distribution =>
        Fit(targetLogProb, surrogate, options, new RandomStream(seed), sampleCount, gradient, maxGradientNorm);

    /// <summary>Forwards progress with the latest loss standard error filled in.</summary>
    private sealed class WithStandardError(IProgress<MinimizeProgress> inner, Func<double> standardError) : IProgress<MinimizeProgress>
    {
        public void Report(MinimizeProgress value) => inner.Report(value with { LossStandardError = standardError() });
    }
}
