namespace KlDivergence.Optimization;

/// <summary>A constant learning rate, η(t) = η₀.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>Creates a constant schedule.</summary>
    /// <param name="learningRate">η₀; finite and non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, NaN or infinite.</exception>
    public ConstantSchedule(double learningRate)
    {
        Guard.NonNegativeFinite(learningRate, nameof(learningRate));
        Value = learningRate;
    }

    /// <summary>The constant learning rate η₀.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        Guard.Step(step, nameof(step));
        return Value;
    }
}
