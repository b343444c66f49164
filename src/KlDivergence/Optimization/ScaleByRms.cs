using System.Numerics.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// RMSprop's rescaling of the gradient (Hinton, Srivastava &amp; Swersky, Neural Networks for Machine
/// Learning, lecture 6e, 2012), with PyTorch's <c>torch.optim.RMSprop</c> semantics: running averages
/// start at zero, no bias correction, ε added outside the square root. For gradient g_t:
/// <code>
/// s_t = ρ s_{t−1} + (1 − ρ) g_t²
/// u_t = g_t / (√s_t + ε)                          (plain)
/// ḡ_t = ρ ḡ_{t−1} + (1 − ρ) g_t
/// u_t = g_t / (√max(s_t − ḡ_t², 0) + ε)             (centered, Graves 2013)
/// </code>
/// with s_0 = ḡ_0 = 0 and ρ the decay (PyTorch's <c>alpha</c>).
/// </summary>
/// <remarks>
/// optax's <c>scale_by_rms</c> differs (it puts ε inside the square root by default); this class
/// matches PyTorch. The centered variance s − ḡ² is non-negative in exact arithmetic; it is clamped at
/// zero so rounding cannot produce the square root of a negative number. Given finite gradients with
/// |g| below about 1e154 (so that g² does not overflow) the state stays finite.
/// </remarks>
public sealed class ScaleByRms : IGradientTransformation
{
    /// <summary>Creates RMSprop's rescaling.</summary>
    /// <param name="decay">ρ ∈ [0, 1), the decay of the running averages (PyTorch <c>alpha</c>).</param>
    /// <param name="epsilon">ε &gt; 0, added outside the square root.</param>
    /// <param name="centered">Whether to divide by the estimated standard deviation √(s − ḡ²) instead of √s.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given above.</exception>
    public ScaleByRms(double decay = 0.99, double epsilon = 1e-8, bool centered = false)
    {
        Guard.DecayRate(decay, nameof(decay));
        Guard.PositiveFinite(epsilon, nameof(epsilon));
        Decay = decay;
        Epsilon = epsilon;
        Centered = centered;
    }

    /// <summary>ρ, the decay of the running averages.</summary>
    public double Decay { get; }

    /// <summary>ε, added outside the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public IOptimizerState Init(IReadOnlyList<double[]> parameters)
    {
        double[][] squareAverage = Guard.ZerosLike(parameters, nameof(parameters));
        return new ScaleByRmsState(
            squareAverage,
            Centered ? Guard.ZerosLike(parameters, nameof(parameters)) : null,
            Guard.ZerosLike(parameters, nameof(parameters)));
    }

    /// <inheritdoc/>
    public void Update(IReadOnlyList<double[]> updates, IOptimizerState state, IReadOnlyList<double[]> parameters)
    {
        ScaleByRmsState s = Guard.State<ScaleByRmsState>(state, nameof(state));
        Guard.SameShape(updates, s.SquareAverageBuffers, nameof(updates));
        if (Centered != s.GradientAverageBuffers is not null)
        {
            throw new ArgumentException("The state was created by an RMSprop transformation with a different centered setting.", nameof(state));
        }

        for (int i = 0; i < updates.Count; i++)
        {
            Span<double> g = updates[i];
            Span<double> sq = s.SquareAverageBuffers[i];
            Span<double> work = s.Scratch[i];

            // s ← ρ s + (1 − ρ) g²
            TensorPrimitives.Multiply(g, g, work);
            TensorPrimitives.Multiply(sq, Decay, sq);
            TensorPrimitives.MultiplyAdd(work, 1.0 - Decay, sq, sq);

            if (s.GradientAverageBuffers is not null)
            {
                // ḡ ← ρ ḡ + (1 − ρ) g; work ← max(s − ḡ², 0)
                Span<double> mean = s.GradientAverageBuffers[i];
                TensorPrimitives.Multiply(mean, Decay, mean);
                TensorPrimitives.MultiplyAdd(g, 1.0 - Decay, mean, mean);
                TensorPrimitives.Multiply(mean, mean, work);
                TensorPrimitives.Subtract(sq, work, work);
                TensorPrimitives.Max(work, 0.0, work);
            }
            else
            {
                sq.CopyTo(work);
            }

            // u = g / (√work + ε)
            TensorPrimitives.Sqrt(work, work);
            TensorPrimitives.Add(work, Epsilon, work);
            TensorPrimitives.Divide(g, work, g);
        }

        s.Count++;
    }
}
