using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="HalfNormal"/>.</summary>
internal static class HalfNormalKl
{
    public static void Register(KlRegistry registry) => registry.Register<HalfNormal, HalfNormal>(HalfNormalHalfNormal);

    /// <summary>
    /// KL = ½(r² - 1) - log r with r = σp/σq: the same as for zero-mean normals, since both densities are twice the
    /// normal density on [0, ∞) (PyTorch computes it through the underlying normals). The normal KL's scale term
    /// from <see cref="ScaleRatio.Term{T}"/>: exact for nearly equal scales, finite for ratios beyond the double range.
    /// </summary>
    public static Tensor HalfNormalHalfNormal(HalfNormal p, HalfNormal q) => ScaleRatio.Term(p.Scale, q.Scale, 2);
}
