using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="HalfNormal"/>.</summary>
internal static class HalfNormalKl
{
    public static void Register(KlRegistry registry) => registry.Register<HalfNormal, HalfNormal>(HalfNormalHalfNormal);

    /// <summary>
    /// KL = ½(r² - 1) - log r with r = σp/σq: the same as for zero-mean normals, since both densities are twice the
    /// normal density on [0, ∞) (PyTorch computes it through the underlying normals). Written as ½(e^{2ℓ} - 1 - 2ℓ),
    /// ℓ = log1p((σp - σq)/σq).
    /// </summary>
    public static Tensor HalfNormalHalfNormal(HalfNormal p, HalfNormal q) =>
        (((p.Scale - q.Scale) / q.Scale).Log1p() * 2.0).Expm1MinusX() * 0.5;
}
