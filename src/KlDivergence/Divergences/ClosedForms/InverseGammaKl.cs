using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is an <see cref="InverseGamma"/>.</summary>
internal static class InverseGammaKl
{
    public static void Register(KlRegistry registry) => registry.Register<InverseGamma, InverseGamma>(InverseGammaInverseGamma);

    /// <summary>
    /// KL divergence is invariant under the bijection x ↦ 1/x, which maps InverseGamma(α, β) to Gamma(α, rate β), so
    /// KL(IG(αp, βp) ‖ IG(αq, βq)) = KL(Gamma(αp, βp) ‖ Gamma(αq, βq)) (as TensorFlow Probability registers it).
    /// </summary>
    public static Tensor InverseGammaInverseGamma(InverseGamma p, InverseGamma q) => GammaKl.GammaGamma(p.Reciprocal, q.Reciprocal);
}
