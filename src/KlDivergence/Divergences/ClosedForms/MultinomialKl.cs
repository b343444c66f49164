using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Multinomial"/>.</summary>
internal static class MultinomialKl
{
    public static void Register(KlRegistry registry) => registry.Register<Multinomial, Multinomial>(MultinomialMultinomial);

    /// <summary>
    /// KL = n KL(Categorical(p) ‖ Categorical(q)) for equal n: the counts are a sufficient statistic of the n independent
    /// draws, so they keep the KL of the draw sequence, which is additive (Kullback 1959, "Information Theory and
    /// Statistics", ch. 2). For different n the supports (counts summing to n) are disjoint: +∞.
    /// </summary>
    public static Tensor MultinomialMultinomial(Multinomial p, Multinomial q) =>
        p.TotalCount == q.TotalCount
            ? CategoricalKl.CategoricalCategorical(p.Categorical, q.Categorical) * (double)p.TotalCount
            : KlTerms.Infinite(p, q);
}
