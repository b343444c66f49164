using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergence between Dirichlet distributions.</summary>
internal static class DirichletKl
{
    /// <summary>
    /// KL(Dir(α) ‖ Dir(β)) = log Γ(α₀) - Σ log Γ(αₖ) - log Γ(β₀) + Σ log Γ(βₖ) + Σ (αₖ - βₖ)(ψ(αₖ) - ψ(α₀))
    /// (Penny 2001, "KL-divergences of Normal, Gamma, Dirichlet and Wishart densities", eq. 14).
    /// </summary>
    public static Tensor DirichletDirichlet(Dirichlet p, Dirichlet q)
    {
        var a = p.Concentration;
        var b = q.Concentration;
        var a0 = a.Sum(-1);
        var b0 = b.Sum(-1);
        var normalizers = a0.LogGamma() - a.LogGamma().Sum(-1) - b0.LogGamma() + b.LogGamma().Sum(-1);
        var cross = ((a - b) * (a.Digamma() - a0.Unsqueeze(-1).Digamma())).Sum(-1);
        return normalizers + cross;
    }
}
