using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Geometric"/>.</summary>
internal static class GeometricKl
{
    public static void Register(KlRegistry registry) => registry.Register<Geometric, Geometric>(GeometricGeometric);

    /// <summary>
    /// KL = -H(p) - log q - ((1 - p)/p) log(1 - q), from E_p K = (1 - p)/p (PyTorch _kl_geometric_geometric);
    /// 0 log 0 = 0 when p = 1, and +∞ when q = 1 &gt; p.
    /// </summary>
    public static Tensor GeometricGeometric(Geometric p, Geometric q) =>
        -p.Entropy() - q.Probs.Log() - (FamilyHelpers.XLogY(1.0 - p.Probs, 1.0 - q.Probs) / p.Probs);
}
