namespace KlDivergence.Optimization;

/// <summary>The state of <see cref="ScaleByLearningRate"/>: the number of updates made so far.</summary>
public sealed class StepCountState : IOptimizerState
{
    internal StepCountState(double[][] shape) => Shape = shape;

    /// <summary>The number of completed updates; the next update uses the schedule at this index.</summary>
    public long Count { get; internal set; }

    /// <summary>Empty buffers recording the parameter lengths the state was created for.</summary>
    internal double[][] Shape { get; }

    /// <inheritdoc/>
    public void Reset() => Count = 0;
}
