using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="ContinuousBernoulli"/> (as registered by PyTorch's kl.py).</summary>
internal static class ContinuousBernoulliKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<ContinuousBernoulli, ContinuousBernoulli>(ContinuousBernoulliContinuousBernoulli);
        registry.Register<ContinuousBernoulli, Exponential>(ContinuousBernoulliExponential);
        registry.Register<ContinuousBernoulli, Normal>(ContinuousBernoulliNormal);
        registry.Register<ContinuousBernoulli, Uniform>(ContinuousBernoulliUniform);

        // [0, 1] is never inside [xₘ, ∞) with xₘ > 0.
        registry.Register<ContinuousBernoulli, Pareto>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = log C(λp) - log C(λq) + m(logit λp - logit λq) + log(1 - λp) - log(1 - λq), m the mean of p
    /// (the log-densities are linear in x; PyTorch _kl_continuous_bernoulli_continuous_bernoulli).
    /// </summary>
    public static Tensor ContinuousBernoulliContinuousBernoulli(ContinuousBernoulli p, ContinuousBernoulli q) =>
        -p.Entropy() + KlTerms.ContinuousBernoulliCrossEntropy(p.Mean, q);

    /// <summary>KL = -H(p) - log λ + λ m (PyTorch _kl_continuous_bernoulli_exponential).</summary>
    public static Tensor ContinuousBernoulliExponential(ContinuousBernoulli p, Exponential q) =>
        -p.Entropy() + KlTerms.ExponentialCrossEntropy(p.Mean, q);

    /// <summary>KL = -H(p) + normal cross-entropy from p's mean and variance (PyTorch _kl_continuous_bernoulli_normal).</summary>
    public static Tensor ContinuousBernoulliNormal(ContinuousBernoulli p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);

    /// <summary>KL = -H(p) + log(high - low) when [0, 1] ⊆ [low, high], else +∞ (PyTorch _kl_continuous_bernoulli_uniform).</summary>
    public static Tensor ContinuousBernoulliUniform(ContinuousBernoulli p, Uniform q) =>
        KlTerms.InfiniteWhere(
            TensorOps.GreaterThan(q.Low, 0.0) + TensorOps.LessThan(q.High, 1.0),
            -p.Entropy() + (q.High - q.Low).Log());
}
