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
    /// "KL-divergences of normal, gamma, Dirichlet and Wishart densities"; PyTorch _kl_gamma_gamma).
    /// </summary>
    public static Tensor GammaGamma(Gamma p, Gamma q)
    {
        var shapeTerm = (p.Concentration - q.Concentration) * p.Concentration.Digamma();
        var normaliserTerm = q.Concentration.LogGamma() - p.Concentration.LogGamma();
        var rateTerm = q.Concentration * (p.Rate / q.Rate).Log();
        var meanTerm = p.Concentration * (q.Rate - p.Rate) / p.Rate;
        return shapeTerm + normaliserTerm + rateTerm + meanTerm;
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
