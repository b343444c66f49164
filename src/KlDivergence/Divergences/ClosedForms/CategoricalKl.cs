using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergence between categorical distributions.</summary>
internal static class CategoricalKl
{
    /// <summary>
    /// KL(p ‖ q) = Σₖ pₖ (log pₖ - log qₖ) over the categories (Cover &amp; Thomas, eq. 2.26), with 0 log 0 = 0
    /// and +∞ where pₖ &gt; 0 = qₖ.
    /// </summary>
    /// <exception cref="ArgumentException">The two have different numbers of categories.</exception>
    public static Tensor CategoricalCategorical(Categorical p, Categorical q)
    {
        if (p.CategoryCount != q.CategoryCount)
        {
            throw new ArgumentException($"KL(Categorical || Categorical) needs equal category counts, got {p.CategoryCount} and {q.CategoryCount}.", nameof(q));
        }

        var zero = TensorOps.EqualTo(p.Probs, 0.0);
        var terms = p.Probs * (TensorOps.Where(zero, 0.0, p.Logits) - TensorOps.Where(zero, 0.0, q.Logits));
        return TensorOps.Where(zero, 0.0, terms).Sum(-1);
    }
}
