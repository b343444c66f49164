namespace KlDivergence.Optimization;

/// <summary>A schedule given by a delegate, η(t) = f(t); the value is checked on every call.</summary>
public sealed class FunctionSchedule : ILearningRateSchedule
{
    private readonly Func<long, double> function;

    /// <summary>Wraps <paramref name="function"/> as a schedule.</summary>
    /// <param name="function">f, mapping a zero-based step index to a finite, non-negative learning rate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public FunctionSchedule(Func<long, double> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        this.function = function;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The delegate returned a negative, NaN or infinite rate.</exception>
    public double LearningRate(long step)
    {
        Guard.Step(step, nameof(step));
        double rate = function(step);
        if (!(rate >= 0.0 && double.IsFinite(rate)))
        {
            throw new InvalidOperationException($"The learning-rate function returned {rate} at step {step}; it must be finite and non-negative.");
        }

        return rate;
    }
}
