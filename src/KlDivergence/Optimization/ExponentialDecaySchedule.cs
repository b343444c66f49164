namespace KlDivergence.Optimization;

/// <summary>
/// Exponential decay, as <c>optax.exponential_decay</c> and TensorFlow's <c>ExponentialDecay</c>:
/// <code>
/// η(t) = η₀ · r^(t / T)          (continuous)
/// η(t) = η₀ · r^⌊t / T⌋          (staircase)
/// </code>
/// with initial rate η₀, decay rate r and decay steps T. A growing schedule (r &gt; 1) is capped at
/// <see cref="double.MaxValue"/> rather than returning infinity.
/// </summary>
public sealed class ExponentialDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates an exponential decay schedule.</summary>
    /// <param name="initialLearningRate">η₀; finite and non-negative.</param>
    /// <param name="decayRate">r, the factor applied every <paramref name="decaySteps"/> steps; finite and positive (r &gt; 1 grows).</param>
    /// <param name="decaySteps">T; positive.</param>
    /// <param name="staircase">Whether to decay in discrete jumps (⌊t / T⌋) rather than continuously.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given above.</exception>
    public ExponentialDecaySchedule(double initialLearningRate, double decayRate, long decaySteps, bool staircase = false)
    {
        Guard.NonNegativeFinite(initialLearningRate, nameof(initialLearningRate));
        Guard.PositiveFinite(decayRate, nameof(decayRate));
        if (decaySteps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, $"decaySteps must be positive, got {decaySteps}.");
        }

        InitialLearningRate = initialLearningRate;
        DecayRate = decayRate;
        DecaySteps = decaySteps;
        Staircase = staircase;
    }

    /// <summary>η₀, the rate at step 0.</summary>
    public double InitialLearningRate { get; }

    /// <summary>r, the factor per <see cref="DecaySteps"/> steps.</summary>
    public double DecayRate { get; }

    /// <summary>T, the number of steps over which the rate is multiplied by r.</summary>
    public long DecaySteps { get; }

    /// <summary>Whether the exponent is ⌊t / T⌋ (true) or t / T (false).</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        Guard.Step(step, nameof(step));
        double exponent = Staircase ? (double)(step / DecaySteps) : (double)step / DecaySteps;

        // A growing schedule (r > 1) can overflow; keep the promise of a finite rate.
        double rate = InitialLearningRate * Math.Pow(DecayRate, exponent);
        return double.IsFinite(rate) ? rate : double.MaxValue;
    }
}
