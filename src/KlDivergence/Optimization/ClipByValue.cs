using System.Numerics.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// Clips every element of the updates to an interval: <c>u_i ← min(max(u_i, a), b)</c>
/// (as <c>optax.clip</c> and PyTorch <c>clip_grad_value_</c> for a = −b).
/// </summary>
public sealed class ClipByValue : IGradientTransformation
{
    /// <summary>Clips to the symmetric interval [−c, c].</summary>
    /// <param name="maxMagnitude">c; finite and non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMagnitude"/> is negative, NaN or infinite.</exception>
    public ClipByValue(double maxMagnitude)
    {
        Guard.NonNegativeFinite(maxMagnitude, nameof(maxMagnitude));
        Min = -maxMagnitude;
        Max = maxMagnitude;
    }

    /// <summary>Clips to the interval [a, b].</summary>
    /// <param name="min">a; finite.</param>
    /// <param name="max">b; finite and at least <paramref name="min"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is NaN or infinite, or <paramref name="max"/> &lt; <paramref name="min"/>.</exception>
    public ClipByValue(double min, double max)
    {
        if (!double.IsFinite(min))
        {
            throw new ArgumentOutOfRangeException(nameof(min), min, $"min must be finite, got {min}.");
        }

        if (!double.IsFinite(max) || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"max must be finite and at least min = {min}, got {max}.");
        }

        Min = min;
        Max = max;
    }

    /// <summary>a, the lower bound.</summary>
    public double Min { get; }

    /// <summary>b, the upper bound.</summary>
    public double Max { get; }

    /// <inheritdoc/>
    public IOptimizerState Init(IReadOnlyList<double[]> parameters)
    {
        _ = Guard.Lengths(parameters, nameof(parameters));
        return EmptyState.Instance;
    }

    /// <inheritdoc/>
    public void Update(IReadOnlyList<double[]> updates, IOptimizerState state, IReadOnlyList<double[]> parameters)
    {
        _ = Guard.State<EmptyState>(state, nameof(state));
        ArgumentNullException.ThrowIfNull(updates);
        for (int i = 0; i < updates.Count; i++)
        {
            double[] u = updates[i] ?? throw new ArgumentNullException(nameof(updates), $"updates[{i}] is null.");
            TensorPrimitives.Clamp(u, Min, Max, u);
        }
    }
}
