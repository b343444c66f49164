namespace KlDivergence.Optimization;

/// <summary>
/// Turns a descent direction into a step: <c>u ← −η(t) · u</c>, where t is the zero-based number of
/// earlier updates and η a <see cref="ILearningRateSchedule"/> (as <c>optax.scale_by_learning_rate</c>).
/// The minus sign is here, so every transformation before it works with the gradient's sign.
/// </summary>
public sealed class ScaleByLearningRate : IGradientTransformation
{
    /// <summary>Scales by a constant learning rate η.</summary>
    /// <param name="learningRate">η; finite and non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative, NaN or infinite.</exception>
    public ScaleByLearningRate(double learningRate)
        : this(new ConstantSchedule(learningRate))
    {
    }

    /// <summary>Scales by a scheduled learning rate η(t).</summary>
    /// <param name="schedule">The schedule η(t).</param>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    public ScaleByLearningRate(ILearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Schedule = schedule;
    }

    /// <summary>The learning-rate schedule η(t).</summary>
    public ILearningRateSchedule Schedule { get; }

    /// <inheritdoc/>
    public IOptimizerState Init(IReadOnlyList<double[]> parameters) => new StepCountState(Guard.Lengths(parameters, nameof(parameters)));

    /// <inheritdoc/>
    public void Update(IReadOnlyList<double[]> updates, IOptimizerState state, IReadOnlyList<double[]> parameters)
    {
        StepCountState s = Guard.State<StepCountState>(state, nameof(state));
        Guard.SameShape(updates, s.Lengths, nameof(updates));
        double rate = Schedule.LearningRate(s.Count);
        for (int i = 0; i < updates.Count; i++)
        {
            Buffers.Scale(updates[i], -rate);
        }

        s.Count++;
    }
}
