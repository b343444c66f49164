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
    /// (Gil et al. 2013; PyTorch _kl_laplace_laplace). With r = bp/bq the scale part r - 1 - log r comes from
    /// <see cref="ScaleRatio.Term{T}"/> (exact near r = 1, finite for ratios beyond the double range) and the location
    /// part d/bq + r(e^{-d/bp} - 1) = r(e^{-d/bp} - 1 + d/bp) is r·expm1minusx(-d/bp) where d/bp ≤ 1 (the direct form
    /// cancels to first order there), directly beyond. Distances come from halved locations, so μp - μq cannot
    /// overflow where d/b is finite.
    /// </summary>
    public static Tensor LaplaceLaplace(Laplace p, Laplace q)
    {
        var halfDistance = ((p.Loc * 0.5) - (q.Loc * 0.5)).Abs();
        var overQ = halfDistance / q.Scale * 2.0;
        var overP = halfDistance / p.Scale * 2.0;
        var ratio = p.Scale / q.Scale;

        // Where r overflows the scale part is +∞ already; a stand-in ratio keeps ∞ · 0 out of the location part.
        var safeRatio = TensorOps.Where(FamilyHelpers.Finite(ratio), ratio, 1.0);
        var near = TensorOps.GreaterOrEqual(1.0, overP);
        var nearValue = safeRatio * (-TensorOps.Where(near, overP, 0.0)).Expm1MinusX();
        var farValue = overQ + (safeRatio * (-overP).Expm1());
        return ScaleRatio.Term(p.Scale, q.Scale, 1) + TensorOps.Where(near, nearValue, farValue);
    }

    /// <summary>KL = -(1 + log 2b) + log σ + ½ log 2π + (2b² + (μp - μq)²)/(2σ²) (PyTorch _kl_laplace_normal).</summary>
    public static Tensor LaplaceNormal(Laplace p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);
}
