using System.Numerics.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// Rescales all updates together when their joint Euclidean norm exceeds a bound
/// (Pascanu, Mikolov &amp; Bengio 2013; as <c>optax.clip_by_global_norm</c>):
/// <code>
/// ‖u‖ = √(Σ_k Σ_i u_{k,i}²)
/// u ← u · c / ‖u‖     if ‖u‖ &gt; c,   unchanged otherwise
/// </code>
/// The direction is kept; only the length is capped. (PyTorch's <c>clip_grad_norm_</c> divides by
/// ‖u‖ + 10⁻⁶ instead; this follows optax.)
/// </summary>
public sealed class ClipByGlobalNorm : IGradientTransformation
{
    /// <summary>Creates a global-norm clip.</summary>
    /// <param name="maxNorm">c; finite and positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not finite and positive.</exception>
    public ClipByGlobalNorm(double maxNorm)
    {
        Guard.PositiveFinite(maxNorm, nameof(maxNorm));
        MaxNorm = maxNorm;
    }

    /// <summary>c, the largest allowed global norm.</summary>
    public double MaxNorm { get; }

    /// <summary>The Euclidean norm of all buffers taken together, without overflow for finite input.</summary>
    /// <param name="buffers">The buffers.</param>
    /// <returns>√(Σ_k Σ_i x_{k,i}²).</returns>
    public static double GlobalNorm(IReadOnlyList<double[]> buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        double sum = 0.0;
        for (int k = 0; k < buffers.Count; k++)
        {
            double[] b = buffers[k] ?? throw new ArgumentNullException(nameof(buffers), $"buffers[{k}] is null.");
            sum += TensorPrimitives.SumOfSquares<double>(b);
        }

        if (double.IsFinite(sum))
        {
            return Math.Sqrt(sum);
        }

        // Squares overflowed (elements above ~1e154): scale by the largest magnitude first.
        double scale = 0.0;
        for (int k = 0; k < buffers.Count; k++)
        {
            if (buffers[k].Length > 0)
            {
                scale = Math.Max(scale, Math.Abs(TensorPrimitives.MaxMagnitude<double>(buffers[k])));
            }
        }

        if (!double.IsFinite(scale))
        {
            return scale; // non-finite input: report it as infinity or NaN
        }

        double scaled = 0.0;
        for (int k = 0; k < buffers.Count; k++)
        {
            foreach (double x in buffers[k])
            {
                double r = x / scale;
                scaled += r * r;
            }
        }

        return scale * Math.Sqrt(scaled);
    }

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
        double norm = GlobalNorm(updates);
        if (norm > MaxNorm)
        {
            double factor = MaxNorm / norm;
            for (int k = 0; k < updates.Count; k++)
            {
                TensorPrimitives.Multiply(updates[k], factor, updates[k]);
            }
        }
    }
}
