using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="VonMises"/>.</summary>
internal static class VonMisesKl
{
    public static void Register(KlRegistry registry) => registry.Register<VonMises, VonMises>(VonMisesVonMises);

    /// <summary>
    /// KL = log I₀(κq) - log I₀(κp) + A(κp)(κp - κq cos(μp - μq)), A = I₁/I₀, from E_p cos(X - μ) = A(κp) cos(μp - μ)
    /// (as TensorFlow Probability registers it; e.g. Kitagawa &amp; Rowley 2022, "von Mises–Fisher distributions and their
    /// statistical divergence").
    /// </summary>
    public static Tensor VonMisesVonMises(VonMises p, VonMises q) =>
        SpecialFunctionOps.LogBesselI0(q.Concentration) - SpecialFunctionOps.LogBesselI0(p.Concentration)
        + (p.MeanResultantLength * (p.Concentration - (q.Concentration * (p.Loc - q.Loc).Cos())));
}
