using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// Pairwise quantities between the components of two Gaussian mixtures, as [Kf, Kg] matrices computed in one
/// broadcast batch, differentiable in all parameters.
/// </summary>
internal static class GaussianPairs
{
    /// <summary>
    /// D[a, b] = KL(fₐ ‖ g_b), by the library's Cholesky-based closed form (<see cref="Kl.Exact"/> on the
    /// multivariate normals with batch shapes [Kf, 1] and [1, Kg]).
    /// </summary>
    public static Tensor Kl(GaussianMixtureParts f, GaussianMixtureParts g)
    {
        var left = MultivariateNormal.FromScaleTril(f.Loc.Unsqueeze(1), f.ScaleTril.Unsqueeze(1));
        var right = MultivariateNormal.FromScaleTril(g.Loc.Unsqueeze(0), g.ScaleTril.Unsqueeze(0));
        return Divergences.Kl.Exact(left, right);
    }

    /// <summary>
    /// The log-overlap log ∫ fₐ(x) g_b(x) dx = log N(μₐ; μ_b, Σₐ + Σ_b)
    /// = -½ ‖C⁻¹(μₐ - μ_b)‖² - Σᵢ log Cᵢᵢ - (d/2) log 2π with C the Cholesky factor of Σₐ + Σ_b
    /// (the product of two Gaussian densities integrates to a Gaussian density in the difference of the means;
    /// e.g. Petersen &amp; Pedersen, The Matrix Cookbook, §8.1.8).
    /// </summary>
    public static Tensor LogOverlap(GaussianMixtureParts f, GaussianMixtureParts g)
    {
        var covF = f.ScaleTril.MatMul(f.ScaleTril.Transpose()).Unsqueeze(1);
        var covG = g.ScaleTril.MatMul(g.ScaleTril.Transpose()).Unsqueeze(0);
        var factor = (covF + covG).Cholesky();
        var difference = (f.Loc.Unsqueeze(1) - g.Loc.Unsqueeze(0)).Unsqueeze(-1);
        var whitened = LinearAlgebraOps.TriangularSolve(factor, difference, lower: true);
        var halfLogDet = factor.Diagonal().Log().Sum(-1);
        return (whitened.Square().Sum([-2, -1]) * -0.5) - halfLogDet - (f.Dimension * ScalarMath.LogSqrtTwoPi);
    }
}
