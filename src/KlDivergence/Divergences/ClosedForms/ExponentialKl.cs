using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is an <see cref="Exponential"/> (as registered by PyTorch's kl.py).</summary>
internal static class ExponentialKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Exponential, Exponential>(ExponentialExponential);
        registry.Register<Exponential, Gamma>(ExponentialGamma);
        registry.Register<Exponential, Gumbel>(ExponentialGumbel);
        registry.Register<Exponential, Normal>(ExponentialNormal);

        // [0, ∞) is not inside a bounded interval nor inside [xₘ, ∞) with xₘ > 0.
        registry.Register<Exponential, Beta>(KlTerms.Infinite);
        registry.Register<Exponential, ContinuousBernoulli>(KlTerms.Infinite);
        registry.Register<Exponential, Uniform>(KlTerms.Infinite);
        registry.Register<Exponential, Pareto>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = log(λp/λq) + λq/λp - 1 = r - 1 - log r with r = λq/λp (derived from the log-densities; PyTorch kl.py
    /// _kl_exponential_exponential), from <see cref="ScaleRatio.Term{T}"/>: cancellation-free for nearly equal rates,
    /// finite for ratios down to 1e-600 (the log1p form gave +∞ from a ratio of 1e-17 on).
    /// </summary>
    public static Tensor ExponentialExponential(Exponential p, Exponential q) => ScaleRatio.Term(q.Rate, p.Rate, 1);

    /// <summary>
    /// KL = log Γ(α) - α log(β/λ) + β/λ + (α - 1)γ - 1, using E log X = -γ - log λ, E X = 1/λ, H = 1 - log λ
    /// (PyTorch _kl_exponential_gamma).
    /// </summary>
    public static Tensor ExponentialGamma(Exponential p, Gamma q)
    {
        var ratio = q.Rate / p.Rate;
        return q.Concentration.LogGamma() - (q.Concentration * ScaleRatio.Log(q.Rate, p.Rate)) + ratio + ((q.Concentration - 1.0) * FamilyHelpers.EulerGamma) - 1.0;
    }

    /// <summary>
    /// KL = log(λβ) - 1 - μ/β + 1/(λβ) + exp(μ/β - log1p(1/(λβ))), with E e^{-X/β} = λβ/(λβ + 1)
    /// (PyTorch _kl_exponential_gumbel).
    /// </summary>
    public static Tensor ExponentialGumbel(Exponential p, Gumbel q) =>
        -p.Entropy() + KlTerms.GumbelCrossEntropy(p.Mean, -(p.Rate * q.Scale).Reciprocal().Log1p(), q);

    /// <summary>KL = -(1 - log λ) + log σ + ½ log 2π + (1/λ² + (1/λ - μ)²)/(2σ²) (PyTorch _kl_exponential_normal).</summary>
    public static Tensor ExponentialNormal(Exponential p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);
}
