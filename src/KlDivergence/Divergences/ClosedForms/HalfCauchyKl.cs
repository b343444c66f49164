using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="HalfCauchy"/>.</summary>
internal static class HalfCauchyKl
{
    public static void Register(KlRegistry registry) => registry.Register<HalfCauchy, HalfCauchy>(HalfCauchyHalfCauchy);

    /// <summary>
    /// KL = log((γp + γq)²/(4γpγq)): both densities are twice a centred Cauchy density on [0, ∞) and the Cauchy
    /// log-ratio is even, so this is KL(Cauchy(0, γp) ‖ Cauchy(0, γq)) (Chyzak &amp; Nielsen 2019).
    /// </summary>
    public static Tensor HalfCauchyHalfCauchy(HalfCauchy p, HalfCauchy q) => CauchyKl.Divergence(0.0, p.Scale, 0.0, q.Scale);
}
