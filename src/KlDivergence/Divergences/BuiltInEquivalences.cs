using KlDivergence.Distributions;

namespace KlDivergence.Divergences;

/// <summary>
/// The canonical rewrites the library ships (see <see cref="KlRegistry.RegisterEquivalent{T}"/>): the same law
/// written two ways resolves to one exact closed form. Each builds the equivalent from the original parameter
/// tensors, so gradients reach them. To add a family that is another in disguise, add one line here.
/// </summary>
internal static class BuiltInEquivalences
{
    public static void RegisterAll(KlRegistry registry)
    {
        // Independent over one batch axis of univariate normals: the joint density is Π N(xᵢ; μᵢ, σᵢ²) = N(x; μ, diag σ²).
        registry.RegisterEquivalent<Independent>(d =>
            d.ReinterpretedBatchDims == 1 && d.BaseDistribution is Normal n ? new MultivariateNormalDiag(n.Loc, n.Scale) : null);

        // A low-rank-plus-diagonal normal is a normal with Σ = W Wᵀ + D: the general (Cholesky) form answers against
        // a diagonal or an Independent normal.
        registry.RegisterEquivalent<LowRankMultivariateNormal>(d => MultivariateNormal.FromScaleTril(d.Loc, d.ScaleTril));

        // One-hot vectors and indices carry the same law through a bijection (KL is invariant under it).
        registry.RegisterEquivalent<OneHotCategorical>(d => d.Categorical);

        // Exponential(λ) is Gamma(1, λ): p(x) = λ e^{-λx} = λ¹ x⁰ e^{-λx} / Γ(1).
        registry.RegisterEquivalent<Exponential, Gamma>(d => new Gamma(1.0, d.Rate));

        // Chi2(k) is Gamma(k/2, 1/2): p(x) = x^{k/2-1} e^{-x/2} / (2^{k/2} Γ(k/2)) (Johnson, Kotz & Balakrishnan 1994, ch. 18).
        registry.RegisterEquivalent<Chi2, Gamma>(d => d.AsGamma);
    }
}
