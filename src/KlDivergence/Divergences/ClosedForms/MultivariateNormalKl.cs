using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences between multivariate normals, full or diagonal.</summary>
internal static class MultivariateNormalKl
{
    /// <summary>
    /// KL(N(μ₁, L₁L₁ᵀ) ‖ N(μ₂, L₂L₂ᵀ)) = ½(‖L₂⁻¹L₁‖²_F + ‖L₂⁻¹(μ₂ - μ₁)‖² - d) + Σ log diag L₂ - Σ log diag L₁,
    /// the Gaussian KL (e.g. Rasmussen &amp; Williams, GPML, eq. A.23) with the trace, Mahalanobis and
    /// log-determinant terms taken from the Cholesky factors by triangular solves; no inverse is formed. The log-determinants
    /// are sums of log-diagonals (finite for scale ratios beyond the double range), and the Mahalanobis term solves for
    /// the halved location difference μ₂/2 - μ₁/2 and multiplies by 4 (the same bits for normal doubles), so locations
    /// near ±1.8e308 do not overflow where the scaled difference is finite.
    /// </summary>
    public static Tensor FromFactors(Tensor loc1, Tensor scaleTril1, Tensor loc2, Tensor scaleTril2)
    {
        // The value comes from the fused kernel whenever the shapes allow it, with or without gradients; the tensor
        // formula below (equal up to rounding) then only supplies the graph, so the value never depends on requires-grad.
        var fused = TryWithoutGraph(loc1, scaleTril1, loc2, scaleTril2);
        bool graph = Tensor.IsGradEnabled && (loc1.RequiresGrad || scaleTril1.RequiresGrad || loc2.RequiresGrad || scaleTril2.RequiresGrad);
        if (fused is not null && !graph)
        {
            return fused;
        }

        var formula = Formula(loc1, scaleTril1, loc2, scaleTril2);
        return fused is null ? formula : StraightThrough.Of(formula, fused);
    }

    /// <summary>The three terms as tensor operations (differentiable, any broadcast batch shapes).</summary>
    private static Tensor Formula(Tensor loc1, Tensor scaleTril1, Tensor loc2, Tensor scaleTril2)
    {
        int d = loc1.Shape[^1];
        var traceTerm = LinearAlgebraOps.TriangularSolve(scaleTril2, scaleTril1).Square().Sum([-2, -1]);
        var difference = ((loc2 * 0.5) - (loc1 * 0.5)).Unsqueeze(-1);
        var mahalanobis = LinearAlgebraOps.TriangularSolve(scaleTril2, difference).Square().Sum([-2, -1]) * 4.0;
        var logDetRatio = scaleTril2.Diagonal().Log().Sum(-1) - scaleTril1.Diagonal().Log().Sum(-1);
        return ((traceTerm + mahalanobis - d) * 0.5) + logDetRatio;
    }

    /// <summary>
    /// The same three terms evaluated straight from the factors' arrays with the triangular-solve kernel, one
    /// batch element at a time, when no gradient is needed and the batch shapes agree (else null): no
    /// intermediate tensors, which is what makes a single small KL cheap.
    /// </summary>
    private static Tensor? TryWithoutGraph(Tensor loc1, Tensor scaleTril1, Tensor loc2, Tensor scaleTril2)
    {
        int d = loc1.Shape[^1];
        int batch = loc1.Length / d;
        if (scaleTril1.Length != batch * d * d || scaleTril2.Length != batch * d * d || loc2.Length != batch * d
            || !loc1.Shape.SequenceEqual(loc2.Shape) || !scaleTril1.Shape.SequenceEqual(scaleTril2.Shape))
        {
            return null;
        }

        var l1 = scaleTril1.Values;
        var l2 = scaleTril2.Values;
        var m1 = loc1.Values;
        var m2 = loc2.Values;
        // Scratch that never leaves this method comes from the pool (d x d is large: fresh pages cost more than the solve).
        var solved = TensorPool.Rent(d * d);
        var difference = new double[d];
        var z = new double[d];
        var result = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            var f1 = l1.Slice(b * d * d, d * d);
            var f2 = l2.Slice(b * d * d, d * d);
            LinearAlgebraOps.SolveKernel(f2, f1, solved, d, d, lower: true, transpose: false);
            for (int i = 0; i < d; i++)
            {
                difference[i] = (0.5 * m2[(b * d) + i]) - (0.5 * m1[(b * d) + i]);
            }

            LinearAlgebraOps.SolveKernel(f2, difference, z, d, 1, lower: true, transpose: false);
            double trace = 0, mahalanobis = 0, logDetRatio = 0;
            foreach (double v in solved)
            {
                trace += v * v;
            }

            foreach (double v in z)
            {
                mahalanobis += v * v;
            }

            for (int i = 0; i < d; i++)
            {
                logDetRatio += Math.Log(f2[(i * d) + i]) - Math.Log(f1[(i * d) + i]);
            }

            result[b] = (0.5 * (trace + (4 * mahalanobis) - d)) + logDetRatio;
        }

        TensorPool.Return(solved);

        return Tensor.FromArray(result, loc1.Shape.AsSpan()[..^1]);
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
