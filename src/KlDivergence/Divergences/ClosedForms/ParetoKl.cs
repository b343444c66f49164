using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Pareto"/> (as registered by PyTorch's kl.py).</summary>
internal static class ParetoKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Pareto, Pareto>(ParetoPareto);
        registry.Register<Pareto, Exponential>(ParetoExponential);
        registry.Register<Pareto, Gamma>(ParetoGamma);
        registry.Register<Pareto, Normal>(ParetoNormal);

        // [xₘ, ∞) is not inside a bounded interval.
        registry.Register<Pareto, Beta>(KlTerms.Infinite);
        registry.Register<Pareto, ContinuousBernoulli>(KlTerms.Infinite);
        registry.Register<Pareto, Uniform>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = αq log(xp/xq) + αq/αp - 1 - log(αq/αp) when xp ≥ xq, else +∞; from E log X = log xp + 1/αp
    /// (PyTorch _kl_pareto_pareto). The shape part r - 1 - log r (r = αq/αp) and the log scale ratio come from
    /// <see cref="ScaleRatio"/>: exact for nearly equal shapes, finite for ratios beyond the double range.
    /// </summary>
    public static Tensor ParetoPareto(Pareto p, Pareto q)
    {
        var shapeTerm = ScaleRatio.Term(q.Alpha, p.Alpha, 1);
        var scaleTerm = q.Alpha * ScaleRatio.Log(p.Scale, q.Scale);
        return KlTerms.InfiniteWhere(TensorOps.LessThan(p.Scale, q.Scale), shapeTerm + scaleTerm);
    }

    /// <summary>KL = -H(p) - log λ + λ αxₘ/(α - 1) for α &gt; 1, else +∞ (infinite mean; PyTorch _kl_pareto_exponential).</summary>
    public static Tensor ParetoExponential(Pareto p, Exponential q)
    {
        var (heavy, safe) = SafeAlpha(p, 1.0);
        return KlTerms.InfiniteWhere(heavy, -safe.Entropy() + KlTerms.ExponentialCrossEntropy(safe.Mean, q));
    }

    /// <summary>KL = -H(p) + gamma cross-entropy with E log X = log xₘ + 1/α, for α &gt; 1, else +∞ (PyTorch _kl_pareto_gamma).</summary>
    public static Tensor ParetoGamma(Pareto p, Gamma q)
    {
        var (heavy, safe) = SafeAlpha(p, 1.0);
        return KlTerms.InfiniteWhere(heavy, -safe.Entropy() + KlTerms.GammaCrossEntropy(safe.Mean, safe.MeanLog, q));
    }

    /// <summary>KL = -H(p) + normal cross-entropy for α &gt; 2, else +∞ (infinite variance; PyTorch _kl_pareto_normal).</summary>
    public static Tensor ParetoNormal(Pareto p, Normal q)
    {
        var (heavy, safe) = SafeAlpha(p, 2.0);
        return KlTerms.InfiniteWhere(heavy, -safe.Entropy() + KlTerms.NormalCrossEntropy(safe.Mean, safe.Variance, q));
    }

    /// <summary>The mask α ≤ bound and a copy of p with those α replaced by a safe value (bound + 1), sharing the graph elsewhere.</summary>
    private static (Tensor Heavy, Pareto Safe) SafeAlpha(Pareto p, double bound)
    {
        var heavy = TensorOps.GreaterOrEqual(bound, p.Alpha);
        return (heavy, new Pareto(p.Scale, TensorOps.Where(heavy, bound + 1.0, p.Alpha)));
    }
}
