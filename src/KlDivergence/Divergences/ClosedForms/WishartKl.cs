using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergence between Wishart distributions.</summary>
internal static class WishartKl
{
    public static void Register(KlRegistry registry) => registry.Register<Wishart, Wishart>(WishartWishart);

    /// <summary>
    /// KL(W(νp, Sp) ‖ W(νq, Sq)) = (νq/2)(log|Sq| - log|Sp|) + (νp/2)(tr(Sq⁻¹Sp) - d) + log Γ_d(νq/2) - log Γ_d(νp/2)
    /// + ((νp - νq)/2) ψ_d(νp/2) (Penny 2001, "KL-divergences of Normal, Gamma, Dirichlet and Wishart densities",
    /// §4; from E_p log|X| = ψ_d(νp/2) + d log 2 + log|Sp| and E_p X = νp Sp). The multivariate-gamma terms are the sum
    /// over j of E(νp/2 + (1 - j)/2, νq/2 + (1 - j)/2) with E(a, b) = log Γ(b) - log Γ(a) - (b - a)ψ(a) from
    /// <see cref="GammaFunctionDifferences"/>; tr(Sq⁻¹Sp) = ‖Lq⁻¹Lp‖²_F by one triangular solve.
    /// </summary>
    /// <exception cref="ArgumentException">The two distributions have different dimensions.</exception>
    public static Tensor WishartWishart(Wishart p, Wishart q)
    {
        int d = p.Dimension;
        if (q.Dimension != d)
        {
            throw new ArgumentException($"KL(Wishart ‖ Wishart): the dimensions differ ({d} and {q.Dimension}).", nameof(q));
        }

        var gammaTerms = GammaFunctionDifferences.LogGammaExcess(MultivariateGamma.Arguments(p.Df * 0.5, d), MultivariateGamma.Arguments(q.Df * 0.5, d)).Sum(-1);
        var trace = LinearAlgebraOps.TriangularSolve(q.ScaleTril, p.ScaleTril, lower: true).Square().Sum([-2, -1]);
        var logDetRatio = q.ScaleTril.LogDetFromCholesky() - p.ScaleTril.LogDetFromCholesky();
        var kl = gammaTerms + (q.Df * 0.5 * logDetRatio) + (p.Df * 0.5 * (trace - d));
        return kl.BroadcastTo(Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray));
    }
}
