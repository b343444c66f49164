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
    public static Tensor BernoulliBernoulli(Bernoulli p, Bernoulli q) => BernoulliTerms(p.Binary, q.Binary);

    /// <summary>
    /// KL(Bernoulli(p) ‖ Bernoulli(q)) = p (log p - log q) + (1 - p)(log(1 - p) - log(1 - q)), each term 0 where its
    /// weight is 0, from the log-probabilities (so logits as large as 1e3 give the exact finite value and gradient).
    /// </summary>
    public static Tensor BernoulliTerms(BinaryProbabilities p, BinaryProbabilities q) =>
        FamilyHelpers.XTimesY(p.One, p.LogOne - q.LogOne) + FamilyHelpers.XTimesY(p.Zero, p.LogZero - q.LogZero);

    /// <summary>KL = -H(p) - p log λ + λ, since log q(0) = -λ and log q(1) = log λ - λ (PyTorch _kl_bernoulli_poisson).</summary>
    public static Tensor BernoulliPoisson(Bernoulli p, Poisson q) =>
        -p.Entropy() - (p.Probs * q.Rate.Log()) + q.Rate;
}
