using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Gamma"/> (as registered by PyTorch's kl.py).</summary>
internal static class GammaKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Gamma, Gamma>(GammaGamma);
        registry.Register<Gamma, Exponential>(GammaExponential);
        registry.Register<Gamma, Gumbel>(GammaGumbel);
        registry.Register<Gamma, Normal>(GammaNormal);

        // (0, ∞) is not inside a bounded interval nor inside [xₘ, ∞) with xₘ > 0.
        registry.Register<Gamma, Beta>(KlTerms.Infinite);
        registry.Register<Gamma, ContinuousBernoulli>(KlTerms.Infinite);
        registry.Register<Gamma, Uniform>(KlTerms.Infinite);
        registry.Register<Gamma, Pareto>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = (αp - αq)ψ(αp) - log Γ(αp) + log Γ(αq) + αq log(βp/βq) + αp(βq - βp)/βp (e.g. Penny 2001,
    /// "KL-divergences of normal, gamma, Dirichlet and Wishart densities"; PyTorch _kl_gamma_gamma), regrouped with
    /// δ = αq - αp and r = βq/βp into non-cancelling pieces: E(αp, αq) + αp(r - 1 - log r) - δ log r, where
    /// E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a) comes from <see cref="GammaFunctionDifferences"/> (the direct
    /// log Γ and ψ terms, ~1e9 at α = 1e8, cancelled to a 5e-9 answer) and r - 1 - log r from <see cref="ScaleRatio"/>.
    /// </summary>
    public static Tensor GammaGamma(Gamma p, Gamma q)
    {
        var shapeTerm = GammaFunctionDifferences.LogGammaExcess(p.Concentration, q.Concentration);
        var rateTerm = p.Concentration * ScaleRatio.Term(q.Rate, p.Rate, 1);
        var crossTerm = (q.Concentration - p.Concentration) * ScaleRatio.Log(q.Rate, p.Rate);
        return shapeTerm + rateTerm - crossTerm;
    }

    /// <summary>KL = -H(p) - log λ + λα/β (PyTorch _kl_gamma_exponential).</summary>
    public static Tensor GammaExponential(Gamma p, Exponential q) =>
        -p.Entropy() + KlTerms.ExponentialCrossEntropy(p.Mean, q);

    /// <summary>KL = -H(p) + Gumbel cross-entropy with E e^{-X/β} = (1 + 1/(β_p β))^{-α}, the gamma moment generating function.</summary>
    public static Tensor GammaGumbel(Gamma p, Gumbel q) =>
        -p.Entropy() + KlTerms.GumbelCrossEntropy(p.Mean, -(p.Concentration * (p.Rate * q.Scale).Reciprocal().Log1p()), q);

    /// <summary>KL = -H(p) + log σ + ½ log 2π + (α/β² + (α/β - μ)²)/(2σ²) (PyTorch _kl_gamma_normal).</summary>
    public static Tensor GammaNormal(Gamma p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);
}
