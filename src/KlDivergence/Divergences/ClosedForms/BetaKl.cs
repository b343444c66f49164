using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Beta"/> (as registered by PyTorch's kl.py).</summary>
internal static class BetaKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Beta, Beta>(BetaBeta);
        registry.Register<Beta, ContinuousBernoulli>(BetaContinuousBernoulli);
        registry.Register<Beta, Exponential>(BetaExponential);
        registry.Register<Beta, Gamma>(BetaGamma);
        registry.Register<Beta, Normal>(BetaNormal);
        registry.Register<Beta, Uniform>(BetaUniform);

        // (0, 1) is never inside [xₘ, ∞) with xₘ > 0.
        registry.Register<Beta, Pareto>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = log B(αq, βq) - log B(αp, βp) + (αp - αq)ψ(αp) + (βp - βq)ψ(βp) + (αq - αp + βq - βp)ψ(αp + βp)
    /// (e.g. Gil, Alajaji &amp; Linder 2013, "Rényi divergence measures for commonly used univariate continuous
    /// distributions", limit α → 1; PyTorch _kl_beta_beta), regrouped as E(αp, αq) + E(βp, βq) - E(αp + βp, αq + βq)
    /// with E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a) from <see cref="GammaFunctionDifferences"/>: at large
    /// concentrations the log Γ and ψ terms are ~1e9 and the answer ~1e-9, so the direct sum kept no digit.
    /// </summary>
    public static Tensor BetaBeta(Beta p, Beta q) =>
        GammaFunctionDifferences.LogGammaExcess(p.Concentration1, q.Concentration1)
        + GammaFunctionDifferences.LogGammaExcess(p.Concentration0, q.Concentration0)
        - GammaFunctionDifferences.LogGammaExcess(p.Concentration1 + p.Concentration0, q.Concentration1 + q.Concentration0);

    /// <summary>KL = -H(p) - log C(λ) - E X log λ - (1 - E X) log(1 - λ) (PyTorch _kl_beta_continuous_bernoulli).</summary>
    public static Tensor BetaContinuousBernoulli(Beta p, ContinuousBernoulli q) =>
        -p.Entropy() + KlTerms.ContinuousBernoulliCrossEntropy(p.Mean, q);

    /// <summary>KL = -H(p) - log λ + λα/(α + β) (PyTorch _kl_beta_exponential).</summary>
    public static Tensor BetaExponential(Beta p, Exponential q) =>
        -p.Entropy() + KlTerms.ExponentialCrossEntropy(p.Mean, q);

    /// <summary>KL = -H(p) + gamma cross-entropy with E log X = ψ(α) - ψ(α + β) (PyTorch _kl_beta_gamma).</summary>
    public static Tensor BetaGamma(Beta p, Gamma q) =>
        -p.Entropy() + KlTerms.GammaCrossEntropy(p.Mean, p.MeanLog, q);

    /// <summary>KL = -H(p) + normal cross-entropy from the beta mean and variance (PyTorch _kl_beta_normal).</summary>
    public static Tensor BetaNormal(Beta p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);

    /// <summary>KL = -H(p) + log(high - low) when [0, 1] ⊆ [low, high], else +∞ (PyTorch _kl_beta_uniform).</summary>
    public static Tensor BetaUniform(Beta p, Uniform q) =>
        KlTerms.InfiniteWhere(
            TensorOps.GreaterThan(q.Low, 0.0) + TensorOps.LessThan(q.High, 1.0),
            -p.Entropy() + (q.High - q.Low).Log());
}
