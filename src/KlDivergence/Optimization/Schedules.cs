namespace KlDivergence.Optimization;

/// <summary>Factory methods for the learning-rate schedules.</summary>
public static class Schedules
{
    /// <summary>η(t) = η₀. See <see cref="ConstantSchedule"/>.</summary>
    /// <param name="learningRate">η₀; finite and non-negative.</param>
    /// <returns>The schedule.</returns>
    public static ILearningRateSchedule Constant(double learningRate) => new ConstantSchedule(learningRate);

    /// <summary>η(t) = η₀ · r^(t / T), or r^⌊t / T⌋ with <paramref name="staircase"/>. See <see cref="ExponentialDecaySchedule"/>.</summary>
    /// <param name="initialLearningRate">η₀; finite and non-negative.</param>
    /// <param name="decayRate">r; finite and positive.</param>
    /// <param name="decaySteps">T; positive.</param>
    /// <param name="staircase">Whether to decay in discrete jumps.</param>
    /// <returns>The schedule.</returns>
    public static ILearningRateSchedule ExponentialDecay(double initialLearningRate, double decayRate, long decaySteps, bool staircase = false)
        => new ExponentialDecaySchedule(initialLearningRate, decayRate, decaySteps, staircase);

    /// <summary>η(t) = η₀ · ((1 − α) · ½ (1 + cos(π · min(t, T) / T)) + α). See <see cref="CosineDecaySchedule"/>.</summary>
    /// <param name="initialLearningRate">η₀; finite and non-negative.</param>
    /// <param name="decaySteps">T; positive.</param>
    /// <param name="alpha">α ∈ [0, 1], the final fraction of η₀.</param>
    /// <returns>The schedule.</returns>
    public static ILearningRateSchedule CosineDecay(double initialLearningRate, long decaySteps, double alpha = 0.0)
        => new CosineDecaySchedule(initialLearningRate, decaySteps, alpha);

    /// <summary>η(t) = f(t). See <see cref="FunctionSchedule"/>.</summary>
    /// <param name="function">f; must return finite, non-negative rates.</param>
    /// <returns>The schedule.</returns>
    public static ILearningRateSchedule FromFunction(Func<long, double> function) => new FunctionSchedule(function);
}
