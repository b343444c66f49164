using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed forms for the structured families: one-hot categoricals, low-rank normals, transformed distributions.</summary>
internal static class StructuredKl
{
    /// <summary>One-hot vectors carry the same information as indices: KL is the categorical one.</summary>
    public static Tensor OneHotOneHot(OneHotCategorical p, OneHotCategorical q) => CategoricalKl.CategoricalCategorical(p.Categorical, q.Categorical);

    /// <summary>Low-rank normals are normals: the Cholesky-based Gaussian KL on Σ = W Wᵀ + diag(D).</summary>
    public static Tensor LowRankLowRank(LowRankMultivariateNormal p, LowRankMultivariateNormal q) =>
        MultivariateNormalKl.FromFactors(p.Loc, p.ScaleTril, q.Loc, q.ScaleTril);

    /// <summary>As <see cref="LowRankLowRank"/>, against a full-covariance normal.</summary>
    public static Tensor LowRankFull(LowRankMultivariateNormal p, MultivariateNormal q) =>
        MultivariateNormalKl.FromFactors(p.Loc, p.ScaleTril, q.Loc, q.ScaleTril);

    /// <summary>As <see cref="LowRankLowRank"/>, from a full-covariance normal.</summary>
    public static Tensor FullLowRank(MultivariateNormal p, LowRankMultivariateNormal q) =>
        MultivariateNormalKl.FromFactors(p.Loc, p.ScaleTril, q.Loc, q.ScaleTril);

    /// <summary>
    /// KL is invariant under a common bijection (Kullback 1959; the data-processing inequality with equality):
    /// KL(f(X) ‖ f(Y)) = KL(X ‖ Y), so the bases' closed form answers when both use the same bijector.
    /// </summary>
    /// <exception cref="NoClosedFormException">The bijectors differ or the bases have no closed form.</exception>
    public static Tensor TransformedTransformed(TransformedDistribution p, TransformedDistribution q, KlRegistry registry)
    {
        if (!TransformedDistribution.SameBijector(p.Bijector, q.Bijector))
        {
            throw new NoClosedFormException(p.FamilyName, q.FamilyName);
        }

        return registry.TryEvaluate(p.BaseDistribution, q.BaseDistribution) ?? throw new NoClosedFormException(p.FamilyName, q.FamilyName);
    }
}
