using KlDivergence.Diagnostics;
using KlDivergence.Distributions;
using KlDivergence.Divergences;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// The evidence lower bound ELBO(φ) = E_{q_φ}[log p̃(z)] + H[q_φ] = log Z - KL(q_φ ‖ p) for an unnormalised target
/// log-density log p̃, estimated from reparameterised samples of the surrogate q_φ.
/// </summary>
public static class Elbo
{
    /// <summary>
    /// Draws per chunk above which an estimate is split into chunks of this many draws, each from its own stream (a
    /// function of a child of the caller's stream and the chunk's index), as the Monte Carlo KL does.
    /// </summary>
    internal const int ChunkSize = 4096;

    /// <summary>
    /// Estimates the ELBO with <paramref name="sampleCount"/> samples. The target maps a batch of samples of shape
    /// [n, ...event] to their log-densities, shape [n].
    /// </summary>
    /// <remarks>
    /// Up to 4096 samples are drawn from <paramref name="random"/> directly. More are drawn in chunks of 4096, chunk c
    /// from a stream derived from a child of <paramref name="random"/> and c, so the draws do not depend on how the
    /// work is split: with gradients off (inside <see cref="Tensor.NoGrad"/>) the chunks are drawn on up to
    /// <see cref="TensorParallelism.MaxDegreeOfParallelism"/> cores and joined in chunk order. The target is always
    /// called once, on the calling thread, with every draw (its own large tensor operations split across cores
    /// themselves): a target need not be thread-safe, and the estimate is the same bits for any number of workers and
    /// with or without gradients.
    /// </remarks>
    public static ElboEstimate Estimate(
        Func<Tensor, Tensor> targetLogProb, SurrogatePosterior surrogate, int sampleCount, RandomStream random, ElboGradient gradient = ElboGradient.Reparameterized)
    {
        ArgumentNullException.ThrowIfNull(targetLogProb);
        ArgumentNullException.ThrowIfNull(surrogate);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 1);
        var q = surrogate.Distribution;
        gradient = Resolve(gradient, q);
        if (gradient is ElboGradient.ScoreFunction or ElboGradient.Stratified)
        {
            return gradient == ElboGradient.ScoreFunction
                ? ScoreFunctionElbo.Estimate(targetLogProb, q, sampleCount, random)
                : StratifiedElbo.Estimate(targetLogProb, (MixtureSameFamily)q, sampleCount, random);
        }

        if (gradient is not (ElboGradient.Reparameterized or ElboGradient.StickingTheLanding or ElboGradient.AnalyticEntropy))
        {
            throw new ArgumentOutOfRangeException(nameof(gradient), gradient, "Unknown ELBO gradient estimator.");
        }

        var z = sampleCount > ChunkSize ? ChunkedDraws(q, sampleCount, random) : q.ReparameterizedSample(sampleCount, random);
        var terms = Terms(targetLogProb, surrogate, q, z, sampleCount, gradient);

        var value = terms.Mean();
        if (gradient == ElboGradient.AnalyticEntropy)
        {
            value += q.Entropy();
        }

        return new ElboEstimate(value, StandardError(terms), sampleCount);
    }

    /// <summary>
    /// Estimates ELBO(φ) = E_q[log p(x | z)] - KL(q_φ ‖ prior) for a model given as a log-likelihood and a prior,
    /// using the closed-form KL where one is registered (lower variance) and Monte Carlo for it otherwise.
    /// </summary>
    public static ElboEstimate Estimate(
        Func<Tensor, Tensor> logLikelihood, Distribution prior, SurrogatePosterior surrogate, int sampleCount, RandomStream random)
    {
        ArgumentNullException.ThrowIfNull(logLikelihood);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(surrogate);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 1);
        var q = surrogate.Distribution;
        var z = q.ReparameterizedSample(sampleCount, random);
        var logLik = CheckShape(logLikelihood(z), sampleCount);
        if (KlRegistry.Default.HasClosedForm(q, prior))
        {
            return new ElboEstimate(logLik.Mean() - Kl.Exact(q, prior), StandardError(logLik), sampleCount);
        }

        var terms = logLik + prior.LogProb(z) - q.LogProb(z);
        return new ElboEstimate(terms.Mean(), StandardError(terms), sampleCount);
    }

    /// <summary>log p̃(z) - log q(z) per sample (log p̃(z) alone for the analytic-entropy estimator), recorded when gradients are on.</summary>
    private static Tensor Terms(Func<Tensor, Tensor> targetLogProb, SurrogatePosterior surrogate, Distribution q, Tensor z, int n, ElboGradient gradient)
    {
        var logTarget = CheckShape(targetLogProb(z), n);
        return gradient switch
        {
            ElboGradient.Reparameterized => logTarget - q.LogProb(z),
            ElboGradient.StickingTheLanding => logTarget - surrogate.DetachedDistribution.LogProb(z),
            _ => logTarget,
        };
    }

    /// <summary>The stream of chunk <paramref name="chunk"/>'s draws: a function of the root and the index only.</summary>
    private static (int Count, RandomStream Stream) Chunk(RandomStream root, int n, int chunk) =>
        (Math.Min(ChunkSize, n - (chunk * ChunkSize)), root.Substream((ulong)chunk));

    /// <summary>
    /// The draws of every chunk, joined in chunk order (recorded, so gradients reach q's parameters). With gradients
    /// off the chunks are drawn on the workers: each from its own stream into its own slot, so the same bits.
    /// </summary>
    private static Tensor ChunkedDraws(Distribution q, int n, RandomStream random)
    {
        var root = random.Split();
        var parts = new Tensor[TensorParallelism.ChunkCount(n, ChunkSize)];
        void Draw(int c)
        {
            var (m, stream) = Chunk(root, n, c);
            parts[c] = q.ReparameterizedSample(m, stream);
        }

        if (NoGradScope.IsGradEnabled)
        {
            for (int c = 0; c < parts.Length; c++)
            {
                Draw(c);
            }
        }
        else
        {
            TensorParallelism.For(parts.Length, c =>
            {
                // The caller's no-gradient scope flows to the workers; entered again so a chunk never records.
                using var scope = Tensor.NoGrad();
                Draw(c);
            });
        }

        return ShapeOps.Concat(0, parts);
    }

    /// <summary>
    /// The estimator used for <paramref name="gradient"/> on <paramref name="q"/>: the default
    /// <see cref="ElboGradient.Reparameterized"/> becomes <see cref="ElboGradient.Stratified"/> for a mixture with
    /// reparameterisable components and <see cref="ElboGradient.ScoreFunction"/> for any other surrogate without a
    /// reparameterised sampler; an explicit choice is kept (and fails with a clear exception if q cannot serve it).
    /// </summary>
    internal static ElboGradient Resolve(ElboGradient gradient, Distribution q)
    {
        if (gradient != ElboGradient.Reparameterized || q.HasReparameterizedSample)
        {
            if (gradient == ElboGradient.Stratified && !StratifiedElbo.Applies(q))
            {
                throw new ArgumentException($"The stratified ELBO needs a MixtureSameFamily surrogate with reparameterisable components; got {q.FamilyName}.", nameof(gradient));
            }

            return gradient;
        }

        return StratifiedElbo.Applies(q) ? ElboGradient.Stratified : ElboGradient.ScoreFunction;
    }

    internal static Tensor CheckShape(Tensor logProb, int n)
    {
        if (logProb.Rank != 1 || logProb.Shape[0] != n)
        {
            throw new ArgumentException($"The target log-density must return shape [{n}] for {n} samples, got [{string.Join(", ", logProb.Shape)}].", nameof(logProb));
        }

        return logProb;
    }

    internal static double StandardError(Tensor terms)
    {
        int n = terms.Length;
        if (n < 2)
        {
            return double.NaN;
        }

        var moments = default(RunningMoments);
        moments.Add(terms.Values);
        return moments.StandardError;
    }
}
