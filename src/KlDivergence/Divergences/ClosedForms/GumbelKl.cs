using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Gumbel"/> (as registered by PyTorch's kl.py).</summary>
internal static class GumbelKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Gumbel, Gumbel>(GumbelGumbel);
        registry.Register<Gumbel, Normal>(GumbelNormal);

        // The real line is not inside a half-line or an interval.
        registry.Register<Gumbel, Beta>(KlTerms.Infinite);
        registry.Register<Gumbel, ContinuousBernoulli>(KlTerms.Infinite);
        registry.Register<Gumbel, Exponential>(KlTerms.Infinite);
        registry.Register<Gumbel, Gamma>(KlTerms.Infinite);
        registry.Register<Gumbel, Pareto>(KlTerms.Infinite);
        registry.Register<Gumbel, Uniform>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = log(βq/βp) + γ(βp/βq - 1) + (μp - μq)/βq + exp((μq - μp)/βq + log Γ(1 + βp/βq)) - 1, from
    /// E e^{-sG} = Γ(1 + s) for a standard Gumbel G (PyTorch _kl_gumbel_gumbel).
    /// </summary>
    public static Tensor GumbelGumbel(Gumbel p, Gumbel q)
    {
        var ratio = p.Scale / q.Scale;
        var scaleTerm = -ratio.Log() + ((ratio - 1.0) * FamilyHelpers.EulerGamma);
        var locationTerm = (p.Loc - q.Loc) / q.Scale;
        var expTerm = (((q.Loc - p.Loc) / q.Scale) + (ratio + 1.0).LogGamma()).Exp();
        return scaleTerm + locationTerm + expTerm - 1.0;
    }

    /// <summary>KL = -(log β + γ + 1) + normal cross-entropy with E X = μ + βγ, Var X = π²β²/6 (PyTorch _kl_gumbel_normal).</summary>
    public static Tensor GumbelNormal(Gumbel p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);
}
