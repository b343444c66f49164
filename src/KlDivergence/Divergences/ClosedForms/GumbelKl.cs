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
    /// E e^{-sG} = Γ(1 + s) for a standard Gumbel G (PyTorch _kl_gumbel_gumbel). With r = βp/βq, d = (μp - μq)/βq and
    /// u = log Γ(1 + r) - d this regroups exactly (log Γ(1 + r) = log Γ(r) + log r, ψ(1) = -γ) into two non-negative,
    /// cancellation-free pieces: KL = E(1, r) + (e^u - 1 - u), E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a) from
    /// <see cref="GammaFunctionDifferences"/>; the direct sum cancelled to first order for nearly equal parameters.
    /// Where r underflows, E(1, r) = log Γ(1 + r) + (r - 1)γ - log r with log r from <see cref="ScaleRatio"/>.
    /// </summary>
    public static Tensor GumbelGumbel(Gumbel p, Gumbel q)
    {
        var ratio = p.Scale / q.Scale;
        var logGammaOnePlusRatio = (ratio + 1.0).LogGamma();
        var underflows = TensorOps.LessThan(ratio, 2.2250738585072014E-308);

        // No ratio underflows (the usual case): E(1, r) alone, which the select below would pick for every element.
        var shapeTerm = FamilyHelpers.NoneSet(underflows)
            ? GammaFunctionDifferences.LogGammaExcess(Tensor.Scalar(1.0), ratio)
            : TensorOps.Where(
                underflows,
                logGammaOnePlusRatio + ((ratio - 1.0) * FamilyHelpers.EulerGamma) - ScaleRatio.Log(p.Scale, q.Scale),
                GammaFunctionDifferences.LogGammaExcess(Tensor.Scalar(1.0), TensorOps.Where(underflows, 1.0, ratio)));
        var locationTerm = ((p.Loc * 0.5) - (q.Loc * 0.5)) / q.Scale * 2.0;
        return shapeTerm + (logGammaOnePlusRatio - locationTerm).Expm1MinusX();
    }

    /// <summary>KL = -(log β + γ + 1) + normal cross-entropy with E X = μ + βγ, Var X = π²β²/6 (PyTorch _kl_gumbel_normal).</summary>
    public static Tensor GumbelNormal(Gumbel p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);
}
