using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// Closed-form KL divergences from a <see cref="Normal"/> to the other univariate families (Normal–Normal is in
/// <see cref="NormalKl"/>; this file keeps the cross-family pairs apart from that shared file).
/// </summary>
internal static class NormalCrossKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Normal, Gumbel>(NormalGumbel);
        registry.Register<Normal, Laplace>(NormalLaplace);

        // The real line is not inside a half-line or an interval.
        registry.Register<Normal, Beta>(KlTerms.Infinite);
        registry.Register<Normal, ContinuousBernoulli>(KlTerms.Infinite);
        registry.Register<Normal, Exponential>(KlTerms.Infinite);
        registry.Register<Normal, Gamma>(KlTerms.Infinite);
        registry.Register<Normal, Pareto>(KlTerms.Infinite);
        registry.Register<Normal, Uniform>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = -H(p) + log β + (m - μ)/β + exp((μ - m)/β + s²/(2β²)), from the normal moment generating function
    /// E e^{-X/β} = e^{-m/β + s²/(2β²)} (PyTorch _kl_normal_gumbel).
    /// </summary>
    public static Tensor NormalGumbel(Normal p, Gumbel q) =>
        -p.Entropy() + KlTerms.GumbelCrossEntropy(p.Loc, (-(p.Loc / q.Scale)) + ((p.Scale / q.Scale).Square() * 0.5), q);

    /// <summary>
    /// KL = -H(p) + log 2b + E|X - μ|/b with the folded-normal mean E|X - μ| = s√(2/π) e^{-d²/(2s²)} + d(2Φ(d/s) - 1),
    /// d = m - μ (derived from the half-normal integrals; PyTorch _kl_normal_laplace, Gil et al. 2013).
    /// </summary>
    public static Tensor NormalLaplace(Normal p, Laplace q)
    {
        var d = p.Loc - q.Loc;
        var z = d / p.Scale;
        var foldedMean = (p.Scale * Math.Sqrt(2 / Math.PI) * (z.Square() * -0.5).Exp()) + (d * ((z.NormalCdf() * 2.0) - 1.0));
        return -p.Entropy() + (q.Scale * 2.0).Log() + (foldedMean / q.Scale);
    }
}
