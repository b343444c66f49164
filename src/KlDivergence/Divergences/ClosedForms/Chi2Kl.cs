using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// Closed-form KL divergences with a <see cref="Chi2"/> on either side: χ²(k) is Gamma(k/2, ½), so each pair is the
/// registered gamma pair evaluated at <see cref="Chi2.AsGamma"/> (PyTorch reaches the same formulas because its Chi2
/// subclasses Gamma).
/// </summary>
internal static class Chi2Kl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Chi2, Chi2>((p, q) => GammaKl.GammaGamma(p.AsGamma, q.AsGamma));
        registry.Register<Chi2, Gamma>((p, q) => GammaKl.GammaGamma(p.AsGamma, q));
        registry.Register<Gamma, Chi2>((p, q) => GammaKl.GammaGamma(p, q.AsGamma));
        registry.Register<Chi2, Exponential>((p, q) => GammaKl.GammaExponential(p.AsGamma, q));
        registry.Register<Chi2, Gumbel>((p, q) => GammaKl.GammaGumbel(p.AsGamma, q));
        registry.Register<Chi2, Normal>((p, q) => GammaKl.GammaNormal(p.AsGamma, q));
        registry.Register<Exponential, Chi2>((p, q) => ExponentialKl.ExponentialGamma(p, q.AsGamma));
        registry.Register<Beta, Chi2>((p, q) => BetaKl.BetaGamma(p, q.AsGamma));
        registry.Register<Pareto, Chi2>((p, q) => ParetoKl.ParetoGamma(p, q.AsGamma));
        registry.Register<Uniform, Chi2>((p, q) => UniformKl.UniformGamma(p, q.AsGamma));

        // (0, ∞) is not inside a bounded interval nor inside [xₘ, ∞) with xₘ > 0; nor is the real line inside (0, ∞).
        registry.Register<Chi2, Beta>(KlTerms.Infinite);
        registry.Register<Chi2, ContinuousBernoulli>(KlTerms.Infinite);
        registry.Register<Chi2, Uniform>(KlTerms.Infinite);
        registry.Register<Chi2, Pareto>(KlTerms.Infinite);
        registry.Register<Normal, Chi2>(KlTerms.Infinite);
        registry.Register<Laplace, Chi2>(KlTerms.Infinite);
        registry.Register<Gumbel, Chi2>(KlTerms.Infinite);
    }
}
