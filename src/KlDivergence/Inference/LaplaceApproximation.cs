using KlDivergence.Distributions;
using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>
/// The Laplace approximation of a flat unconstrained target: the normal at the mode x̂ with covariance the inverse of
/// the negative Hessian of log p there. The Hessian is taken by central differences of exact gradients,
/// Hᵢⱼ ≈ (∂ᵢ log p(x̂ + hⱼeⱼ) - ∂ᵢ log p(x̂ - hⱼeⱼ)) / 2hⱼ with hⱼ = ε^(1/3)·max(1, |x̂ⱼ|) (error O(h²) + O(ε/h)),
/// and symmetrised, (H + Hᵀ)/2: 2d gradient evaluations in one batch.
/// </summary>
public static class LaplaceApproximation
{
    /// <summary>Finds the mode from <paramref name="initial"/> and fits the normal there.</summary>
    /// <param name="logDensity">log p(x) for a batch of points [n, d], returning [n]; differentiable.</param>
    /// <param name="initial">The starting point of the mode search (length d).</param>
    /// <param name="options">L-BFGS options of the mode search; the defaults when null.</param>
    /// <param name="drawCount">Draws of the approximation for <see cref="LaplaceFit.Draws"/> and the diagnostics (at least 2).</param>
    /// <param name="random">The stream of the draws.</param>
    /// <exception cref="InvalidOperationException">
    /// The negative Hessian at the point found is not positive definite (not a strict local maximum, or L-BFGS stopped
    /// short of one): no normal approximation exists there.
    /// </exception>
    public static LaplaceFit Fit(Func<Tensor, Tensor> logDensity, IReadOnlyList<double> initial, RandomStream random, LbfgsOptions? options = null, int drawCount = 1000)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(drawCount, 2);
        var target = new FlatTarget(logDensity, initial.Count, options?.ReuseIntermediates ?? true);
        var map = MaximumAPosteriori.EstimateFlat(target, initial, options);
        var negativeHessian = NegativeHessian(target, map.Mode);
        MultivariateNormal q;
        try
        {
            q = MultivariateNormal.FromPrecision(Tensor.Vector([.. map.Mode]), negativeHessian);
        }
        catch (NotPositiveDefiniteException e)
        {
            throw new InvalidOperationException(
                $"The negative Hessian of log p at the point found (log p = {map.LogDensity:G6}, L-BFGS stopped by {map.Trace.StopReason}) is not positive definite, " +
                "so no normal approximation exists there: the point is not a strict local maximum (a saddle, a ridge or an unbounded direction). " + e.Message,
                e);
        }

        var (draws, diagnostics) = Diagnose(target, q, drawCount, random);
        return new LaplaceFit(map, negativeHessian, q, draws, diagnostics);
    }

    /// <summary>
    /// <see cref="Fit(Func{Tensor, Tensor}, IReadOnlyList{double}, RandomStream, LbfgsOptions?, int)"/> with the draws
    /// from <c>new RandomStream(seed)</c>: a convenience, the same fit as passing that stream.
    /// </summary>
    public static LaplaceFit Fit(Func<Tensor, Tensor> logDensity, IReadOnlyList<double> initial, LbfgsOptions? options = null, int drawCount = 1000, ulong seed = 0) =>
        Fit(logDensity, initial, new RandomStream(seed), options, drawCount);

    /// <summary>-∇²log p at <paramref name="x"/> by central differences of exact gradients, symmetrised.</summary>
    internal static Tensor NegativeHessian(FlatTarget target, IReadOnlyList<double> x)
    {
        int d = target.Dimension;
        var rows = new double[2 * d * d];
        var steps = new double[d];
        for (int j = 0; j < d; j++)
        {
            steps[j] = Math.Cbrt(Lbfgs.Epsilon) * Math.Max(1.0, Math.Abs(x[j]));
            for (int i = 0; i < d; i++)
            {
                rows[(2 * j * d) + i] = x[i];
                rows[(((2 * j) + 1) * d) + i] = x[i];
            }

            rows[(2 * j * d) + j] += steps[j];
            rows[(((2 * j) + 1) * d) + j] -= steps[j];
        }

        var gradients = new double[rows.Length];
        target.LogDensitiesWithGradients(rows, 2 * d, gradients);
        var h = new double[d * d];
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < d; i++)
            {
                h[(i * d) + j] = -(gradients[(2 * j * d) + i] - gradients[(((2 * j) + 1) * d) + i]) / (2 * steps[j]);
            }
        }

        var sym = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                sym[(i * d) + j] = 0.5 * (h[(i * d) + j] + h[(j * d) + i]);
            }
        }

        if (!sym.All(double.IsFinite))
        {
            throw new InvalidOperationException("The Hessian of log p at the mode is not finite (a gradient near the mode overflowed); no normal approximation can be formed.");
        }

        return Tensor.FromArray(sym, [d, d]);
    }

    /// <summary>
    /// Draws of q, their log p and log q, and the diagnostics with every evaluation the target has counted plus
    /// <paramref name="otherGradientEvaluations"/> and <paramref name="otherDensityEvaluations"/> spent elsewhere.
    /// </summary>
    internal static (Tensor Draws, FitDiagnostics Diagnostics) Diagnose(
        FlatTarget target, Distribution q, int drawCount, RandomStream random, int otherGradientEvaluations = 0, int otherDensityEvaluations = 0)
    {
        using var scope = Tensor.NoGrad();
        var draws = q.Sample(drawCount, random);
        var logQ = q.LogProb(draws).ToArray();
        var rows = draws.ToArray();
        var logP = target.LogDensities(rows, drawCount);
        var diagnostics = FitDiagnostics.FromDraws(rows, target.Dimension, logP, logQ, target.GradientEvaluations + otherGradientEvaluations, target.DensityEvaluations + otherDensityEvaluations);
        return (draws, diagnostics);
    }
}
