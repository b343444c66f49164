using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergence between Dirichlet distributions.</summary>
internal static class DirichletKl
{
    /// <summary>
    /// KL(Dir(α) ‖ Dir(β)) = log Γ(α₀) - Σ log Γ(αₖ) - log Γ(β₀) + Σ log Γ(βₖ) + Σ (αₖ - βₖ)(ψ(αₖ) - ψ(α₀))
    /// (Penny 2001, "KL-divergences of Normal, Gamma, Dirichlet and Wishart densities", eq. 14), regrouped as
    /// Σₖ E(αₖ, βₖ) - E(α₀, β₀) with E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a) from
    /// <see cref="GammaFunctionDifferences"/>, which keeps its digits at large concentrations.
    /// </summary>
    public static Tensor DirichletDirichlet(Dirichlet p, Dirichlet q)
    {
        var a = p.Concentration;
        var b = q.Concentration;
        return GammaFunctionDifferences.LogGammaExcess(a, b).Sum(-1) - GammaFunctionDifferences.LogGammaExcess(a.Sum(-1), b.Sum(-1));
    }
}
