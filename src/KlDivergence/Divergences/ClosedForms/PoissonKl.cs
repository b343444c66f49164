using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Poisson"/> (as registered by PyTorch's kl.py).</summary>
internal static class PoissonKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Poisson, Poisson>(PoissonPoisson);

        // A Poisson puts mass on every whole number; Bernoulli and binomial supports are bounded.
        registry.Register<Poisson, Bernoulli>(KlTerms.Infinite);
        registry.Register<Poisson, Binomial>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = λp log(λp/λq) - (λp - λq) (PyTorch _kl_poisson_poisson) from <see cref="ScaleRatio.RelativeEntropyTerm(Tensor, Tensor)"/>:
    /// for nearly equal rates λq·g(t), t = (λp - λq)/λq, by g's series (the two first-order terms cancelled in the
    /// direct form, leaving ~1e-8 relative accuracy at t = 1e-8), and finite for rate ratios beyond the double range.
    /// </summary>
    public static Tensor PoissonPoisson(Poisson p, Poisson q) => ScaleRatio.RelativeEntropyTerm(p.Rate, q.Rate);
}
