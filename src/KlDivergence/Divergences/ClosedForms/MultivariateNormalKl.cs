using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences between multivariate normals, full or diagonal.</summary>
internal static class MultivariateNormalKl
{
    /// <summary>
    /// KL(N(μ₁, L₁L₁ᵀ) ‖ N(μ₂, L₂L₂ᵀ)) = ½(‖L₂⁻¹L₁‖²_F + ‖L₂⁻¹(μ₂ - μ₁)‖² - d) + Σ log diag L₂ - Σ log diag L₁,
    /// the Gaussian KL (e.g. Rasmussen &amp; Williams, GPML, eq. A.23) with the trace, Mahalanobis and
    /// log-determinant terms taken from the Cholesky factors by triangular solves; no inverse is formed.
    /// </summary>
    public static Tensor FromFactors(Tensor loc1, Tensor scaleTril1, Tensor loc2, Tensor scaleTril2)
    {
        int d = loc1.Shape[^1];
        var traceTerm = LinearAlgebraOps.TriangularSolve(scaleTril2, scaleTril1).Square().Sum([-2, -1]);
        var difference = (loc2 - loc1).Unsqueeze(-1);
        var mahalanobis = LinearAlgebraOps.TriangularSolve(scaleTril2, difference).Square().Sum([-2, -1]);
        var logDetRatio = scaleTril2.Diagonal().Log().Sum(-1) - scaleTril1.Diagonal().Log().Sum(-1);
        return ((traceTerm + mahalanobis - d) * 0.5) + logDetRatio;
    }

    public static Tensor FullFull(MultivariateNormal p, MultivariateNormal q) => FromFactors(p.Loc, p.ScaleTril, q.Loc, q.ScaleTril);

    public static Tensor FullDiag(MultivariateNormal p, MultivariateNormalDiag q) => FromFactors(p.Loc, p.ScaleTril, q.Loc, q.ScaleTril);

    public static Tensor DiagFull(MultivariateNormalDiag p, MultivariateNormal q) => FromFactors(p.Loc, p.ScaleTril, q.Loc, q.ScaleTril);

    /// <summary>
    /// Both diagonal: the sum over dimensions of the univariate normal KL (the fast path: no matrices,
    /// and the same cancellation-free formula as <see cref="NormalKl"/>).
    /// </summary>
    public static Tensor DiagDiag(MultivariateNormalDiag p, MultivariateNormalDiag q) =>
        NormalKl.Elementwise(p.Loc, p.ScaleDiag, q.Loc, q.ScaleDiag).Sum(-1);
}
