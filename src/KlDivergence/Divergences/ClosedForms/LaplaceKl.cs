using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Laplace"/> (as registered by PyTorch's kl.py).</summary>
internal static class LaplaceKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Laplace, Laplace>(LaplaceLaplace);
        registry.Register<Laplace, Normal>(LaplaceNormal);

        // The real line is not inside a half-line or an interval.
        registry.Register<Laplace, Beta>(KlTerms.Infinite);
        registry.Register<Laplace, ContinuousBernoulli>(KlTerms.Infinite);
        registry.Register<Laplace, Exponential>(KlTerms.Infinite);
        registry.Register<Laplace, Gamma>(KlTerms.Infinite);
        registry.Register<Laplace, Pareto>(KlTerms.Infinite);
        registry.Register<Laplace, Uniform>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = log(bq/bp) + d/bq + (bp/bq) e^{-d/bp} - 1 with d = |μp - μq|, from E_p|X - μq| = d + bp e^{-d/bp}
    /// (Gil et al. 2013; PyTorch _kl_laplace_laplace). With r = bp/bq the scale part r - 1 - log r is
    /// written as e^ℓ - 1 - ℓ, ℓ = log r, and the location part as d/bq + r(e^{-d/bp} - 1).
    /// </summary>
    public static Tensor LaplaceLaplace(Laplace p, Laplace q)
    {
        var d = (p.Loc - q.Loc).Abs();
        var logRatio = ((p.Scale - q.Scale) / q.Scale).Log1p();
        var locationTerm = (d / q.Scale) + ((p.Scale / q.Scale) * (-(d / p.Scale)).Expm1());
        return logRatio.Expm1MinusX() + locationTerm;
    }

    /// <summary>KL = -(1 + log 2b) + log σ + ½ log 2π + (2b² + (μp - μq)²)/(2σ²) (PyTorch _kl_laplace_normal).</summary>
    public static Tensor LaplaceNormal(Laplace p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);
}
