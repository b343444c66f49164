using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Bernoulli"/> (as registered by PyTorch's kl.py).</summary>
internal static class BernoulliKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Bernoulli, Bernoulli>(BernoulliBernoulli);
        registry.Register<Bernoulli, Poisson>(BernoulliPoisson);
    }

    /// <summary>
    /// KL = p log(p/q) + (1 - p) log((1 - p)/(1 - q)) with 0 log 0 = 0 and +∞ where p &gt; 0 = q or p &lt; 1 = q
    /// (the definition; PyTorch _kl_bernoulli_bernoulli).
    /// </summary>
    public static Tensor BernoulliBernoulli(Bernoulli p, Bernoulli q) => BernoulliTerms(p.Probs, q.Probs);

    /// <summary>KL(Bernoulli(p) ‖ Bernoulli(q)) from the success probabilities (see <see cref="BernoulliBernoulli"/>).</summary>
    public static Tensor BernoulliTerms(Tensor p, Tensor q)
    {
        var one = FamilyHelpers.XLogX(p) - FamilyHelpers.XLogY(p, q);
        var zero = FamilyHelpers.XLogX(1.0 - p) - FamilyHelpers.XLogY(1.0 - p, 1.0 - q);
        return one + zero;
    }

    /// <summary>KL = -H(p) - p log λ + λ, since log q(0) = -λ and log q(1) = log λ - λ (PyTorch _kl_bernoulli_poisson).</summary>
    public static Tensor BernoulliPoisson(Bernoulli p, Poisson q) =>
        -p.Entropy() - (p.Probs * q.Rate.Log()) + q.Rate;
}
