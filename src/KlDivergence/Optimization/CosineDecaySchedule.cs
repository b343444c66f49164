namespace KlDivergence.Optimization;

/// <summary>
/// Cosine decay (Loshchilov &amp; Hutter 2017, SGDR, without restarts), as <c>optax.cosine_decay_schedule</c>
/// and TensorFlow's <c>CosineDecay</c>:
/// <code>
/// η(t) = η₀ · ((1 − α) · ½ (1 + cos(π · min(t, T) / T)) + α)
/// </code>
/// falling from η₀ at t = 0 to α·η₀ at t = T and staying there.
/// </summary>
public sealed class CosineDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates a cosine decay schedule.</summary>
    /// <param name="initialLearningRate">η₀; finite and non-negative.</param>
    /// <param name="decaySteps">T, the number of steps to decay over; positive.</param>
    /// <param name="alpha">α ∈ [0, 1], the final rate as a fraction of η₀.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given above.</exception>
    public CosineDecaySchedule(double initialLearningRate, long decaySteps, double alpha = 0.0)
    {
        Guard.NonNegativeFinite(initialLearningRate, nameof(initialLearningRate));
        if (decaySteps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, $"decaySteps must be positive, got {decaySteps}.");
        }

        if (!(alpha >= 0.0 && alpha <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"alpha must lie in [0, 1], got {alpha}.");
        }

        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        Alpha = alpha;
    }

    /// <summary>η₀, the rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>T, the step at which the rate reaches α·η₀.</summary>
    public long DecaySteps { get; }

    /// <summary>α, the final rate as a fraction of η₀.</summary>
    public double Alpha { get; }

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        Guard.Step(step, nameof(step));
        double progress = (double)Math.Min(step, DecaySteps) / DecaySteps;
        double cosine = 0.5 * (1.0 + Math.Cos(Math.PI * progress));
        return InitialLearningRate * (((1.0 - Alpha) * cosine) + Alpha);
    }
}
