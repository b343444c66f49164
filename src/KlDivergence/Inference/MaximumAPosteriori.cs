using KlDivergence.Optimization;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>The posterior mode (maximum a posteriori) of a flat unconstrained target, by L-BFGS on -log p.</summary>
public static class MaximumAPosteriori
{
    /// <summary>Finds the mode of log p starting from <paramref name="initial"/>.</summary>
    /// <param name="logDensity">log p(x) for a batch of points [n, d], returning [n]; differentiable.</param>
    /// <param name="initial">The starting point (length d), where log p and its gradient are finite.</param>
    /// <param name="options">L-BFGS options; the defaults when null.</param>
    /// <exception cref="ArgumentException">log p or its gradient is not finite at the start, or the target returns the wrong shape.</exception>
    /// <exception cref="InvalidOperationException">The target does not depend on its input.</exception>
    public static MapEstimate Estimate(Func<Tensor, Tensor> logDensity, IReadOnlyList<double> initial, LbfgsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(initial);
        var target = new FlatTarget(logDensity, initial.Count, options?.ReuseIntermediates ?? true);
        return EstimateFlat(target, initial, options);
    }

    internal static MapEstimate EstimateFlat(FlatTarget target, IReadOnlyList<double> initial, LbfgsOptions? options)
    {
        var trace = Lbfgs.Minimize(target.NegativeLogDensity, initial, options);
        return new MapEstimate(trace.Minimizer, -trace.Value, trace);
    }
}
