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
    /// KL = λp log(λp/λq) - (λp - λq) (PyTorch _kl_poisson_poisson), with the log ratio as log1p((λp - λq)/λq)
    /// so nearly equal rates keep their digits.
    /// </summary>
    public static Tensor PoissonPoisson(Poisson p, Poisson q)
    {
        var difference = p.Rate - q.Rate;
        return (p.Rate * (difference / q.Rate).Log1p()) - difference;
    }
}
