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
    /// <param name="sampleCount">Samples of q per step.</param>
    /// <param name="seed">Seed of the sample stream (fresh samples every step, reproducible run to run).</param>
    /// <param name="gradient">The gradient estimator.</param>
    public static VariationalFit Fit(
        Func<Tensor, Tensor> targetLogProb,
        SurrogatePosterior surrogate,
        MinimizeOptions options,
        int sampleCount = 100,
        ulong seed = 0,
        ElboGradient gradient = ElboGradient.Reparameterized)
    {
        ArgumentNullException.ThrowIfNull(targetLogProb);
        ArgumentNullException.ThrowIfNull(surrogate);
        var random = new RandomStream(seed);
        var trace = Minimizer.Minimize(
            () => -Elbo.Estimate(targetLogProb, surrogate, sampleCount, random, gradient).Value,
            surrogate.Parameters,
            options);
        return new VariationalFit(trace, surrogate.DetachedDistribution, KlGradientEstimator.Reparameterized, gradient);
    }
}
