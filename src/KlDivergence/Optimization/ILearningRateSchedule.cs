namespace KlDivergence.Optimization;

/// <summary>A learning rate as a function of the step index, η(t) for t = 0, 1, 2, ….</summary>
/// <remarks>
/// Step 0 is the first update (as in optax, whose schedules are evaluated at the count before it is
/// incremented, and PyTorch, whose first step uses the initial learning rate).
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate η(t) for the update with zero-based index <paramref name="step"/>.</summary>
    /// <param name="step">The zero-based step index; non-negative.</param>
    /// <returns>A finite, non-negative learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    double LearningRate(long step);
}
