using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// Bounds on log Z tighter than (or generalising) the ELBO, estimated from K reparameterised samples per group
/// and averaged over groups: the importance-weighted bound (IWAE, Burda, Grosse &amp; Salakhutdinov 2016) and the
/// Rényi-α variational bound (Li &amp; Turner 2016). Both equal the ELBO's estimate from the same draws at K = 1
/// (and the Rényi bound at α = 1 for any K); the Rényi bound at α = 0 is IWAE.
/// </summary>
public static class VariationalBounds
{
    /// <summary>
    /// IWAE_K = E[log (1/K) Σₖ p̃(zₖ)/q(zₖ)], which increases with K to log Z. With
    /// <paramref name="doublyReparameterized"/> the gradient in the surrogate's parameters is the doubly
    /// reparameterised one (DReG, Tucker, Lawson, Gu &amp; Maddison 2018): Σₖ w̃ₖ² ∇_z log wₖ · ∂z/∂φ with log q's own
    /// parameter dependence cut and w̃ the normalised weights; it has the same expectation and a variance that does
    /// not grow with K. That estimator is for q's parameters only: if the target has trainable parameters θ of its
    /// own (tensors requiring gradients that it reads other than through z), their gradient must be the plain one,
    /// Σₖ w̃ₖ ∇_θ log p̃(zₖ), not DReG's Σₖ w̃ₖ² ∇_θ log p̃(zₖ); such targets are detected and get it, by one more call of
    /// the target on the draws with their graph cut (the term Σₖ (w̃ₖ - w̃ₖ²) log p̃_θ(stop(zₖ)), zero in value).
    /// </summary>
    /// <param name="targetLogProb">log p̃(z) for [m, ...event], returning [m].</param>
    /// <param name="surrogate">q_φ, reparameterisable.</param>
    /// <param name="importanceSamples">K ≥ 1.</param>
    /// <param name="groups">The number of independent groups averaged (the standard error is over groups).</param>
    /// <param name="random">The sample stream.</param>
    /// <param name="doublyReparameterized">Use the DReG gradient (default) rather than the plain pathwise one.</param>
    public static ElboEstimate ImportanceWeighted(
        Func<Tensor, Tensor> targetLogProb, SurrogatePosterior surrogate, int importanceSamples, int groups, RandomStream random, bool doublyReparameterized = true)
    {
        var (logWeights, stoppedLogWeights, draws, logTarget) = LogWeights(targetLogProb, surrogate, importanceSamples, groups, random, doublyReparameterized);
        var bound = logWeights.LogSumExp(1) - Math.Log(importanceSamples);
        if (!doublyReparameterized)
        {
            return new ElboEstimate(bound.Mean(), Elbo.StandardError(bound), groups);
        }

        Tensor normalised;
        using (Tensor.NoGrad())
        {
            normalised = (stoppedLogWeights! - stoppedLogWeights!.LogSumExp(1, keepDims: true)).Exp();
        }

        var dreg = (normalised.Square() * stoppedLogWeights!).Sum(1).Mean();
        var value = bound.Mean().Detach() + (dreg - dreg.Detach());
        if (Tensor.IsGradEnabled && ReadsTrainableBesides(logTarget, draws))
        {
            // DReG's weights w̃² are right for q's parameters only (their gradient flows through z); the target's own
            // parameters take the plain IWAE weights w̃. The draws are cut so that this term moves θ alone.
            var fixedTarget = Elbo.CheckShape(targetLogProb(draws.Detach()), groups * importanceSamples).Reshape(groups, importanceSamples);
            Tensor extra;
            using (Tensor.NoGrad())
            {
                extra = normalised - normalised.Square();
            }

            var own = (extra * fixedTarget).Sum(1).Mean();
            value += own - own.Detach();
        }

        return new ElboEstimate(value, Elbo.StandardError(bound), groups);
    }

    /// <summary>
    /// The Rényi-α bound L_α = 1/(1 - α) log E_q[(p̃(z)/q(z))^{1-α}] (Li &amp; Turner 2016), estimated per group of K
    /// samples as 1/(1 - α) log (1/K) Σₖ wₖ^{1-α} and averaged over groups, with pathwise gradients. α = 1 is the
    /// ELBO, α = 0 is IWAE_K; α &lt; 1 bounds log Z from above the ELBO, α &gt; 1 from below it.
    /// </summary>
    /// <param name="targetLogProb">log p̃(z) for [m, ...event], returning [m].</param>
    /// <param name="surrogate">q_φ, reparameterisable.</param>
    /// <param name="alpha">α, finite.</param>
    /// <param name="importanceSamples">K ≥ 1.</param>
    /// <param name="groups">The number of independent groups averaged.</param>
    /// <param name="random">The sample stream.</param>
    public static ElboEstimate Renyi(Func<Tensor, Tensor> targetLogProb, SurrogatePosterior surrogate, double alpha, int importanceSamples, int groups, RandomStream random)
    {
        if (!double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The Rényi bound needs a finite alpha.");
        }

        var (logWeights, _, _, _) = LogWeights(targetLogProb, surrogate, importanceSamples, groups, random, stopped: false);
        var bound = alpha == 1
            ? logWeights.Mean(1)
            : ((logWeights * (1 - alpha)).LogSumExp(1) - Math.Log(importanceSamples)) / (1 - alpha);
        return new ElboEstimate(bound.Mean(), Elbo.StandardError(bound), groups);
    }

    /// <summary>
    /// Whether <paramref name="output"/>'s graph reaches a tensor that requires gradients other than through
    /// <paramref name="draws"/>: a trainable parameter the target reads itself. A walk of the recorded graph, stopping
    /// at the draws.
    /// </summary>
    private static bool ReadsTrainableBesides(Tensor output, Tensor draws)
    {
        var seen = new HashSet<Tensor>(IdentityComparer.Instance);
        var pending = new Stack<Tensor>();
        pending.Push(output);
        while (pending.Count > 0)
        {
            var t = pending.Pop();
            if (ReferenceEquals(t, draws) || !seen.Add(t))
            {
                continue;
            }

            if (t.Node is null)
            {
                if (t.RequiresGrad)
                {
                    return true;
                }

                continue;
            }

            foreach (var input in t.Node.Inputs)
            {
                pending.Push(input);
            }
        }

        return false;
    }

    /// <summary>
    /// log wₖ = log p̃(zₖ) - log q(zₖ) as [groups, K] from groups·K draws (consecutive K per group), and with q's
    /// parameters cut when asked; also the draws and log p̃ at them ([groups·K]).
    /// </summary>
    private static (Tensor LogWeights, Tensor? Stopped, Tensor Draws, Tensor LogTarget) LogWeights(
        Func<Tensor, Tensor> targetLogProb, SurrogatePosterior surrogate, int k, int groups, RandomStream random, bool stopped)
    {
        ArgumentNullException.ThrowIfNull(targetLogProb);
        ArgumentNullException.ThrowIfNull(surrogate);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        var q = surrogate.Distribution;
        var z = q.ReparameterizedSample(groups * k, random);
        var logTarget = Elbo.CheckShape(targetLogProb(z), groups * k);
        var logWeights = (logTarget - q.LogProb(z)).Reshape(groups, k);
        var stoppedWeights = stopped ? (logTarget - surrogate.DetachedDistribution.LogProb(z)).Reshape(groups, k) : null;
        return (logWeights, stoppedWeights, z, logTarget);
    }
}
