using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergence between <see cref="Independent"/> distributions.</summary>
internal static class IndependentKl
{
    /// <summary>
    /// For independent components the KL is the sum of the components' KLs over the reinterpreted
    /// dimensions (the chain rule for KL, Cover &amp; Thomas, Thm 2.5.3), when the bases have a closed form.
    /// </summary>
    /// <exception cref="NoClosedFormException">The bases have no closed form (the caller then estimates).</exception>
    public static Tensor IndependentIndependent(Independent p, Independent q, KlRegistry registry)
    {
        if (p.ReinterpretedBatchDims != q.ReinterpretedBatchDims)
        {
            throw new NoClosedFormException(p.FamilyName, q.FamilyName);
        }

        var baseKl = registry.TryEvaluate(p.BaseDistribution, q.BaseDistribution)
            ?? throw new NoClosedFormException(p.FamilyName, q.FamilyName);
        int n = p.ReinterpretedBatchDims;
        return n == 0 ? baseKl : baseKl.Sum([.. Enumerable.Range(baseKl.Rank - n, n)]);
    }
}
