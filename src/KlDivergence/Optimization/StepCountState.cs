namespace KlDivergence.Optimization;

/// <summary>The state of <see cref="ScaleByLearningRate"/>: the number of updates made so far.</summary>
public sealed class StepCountState : ICheckpointableState
{
    internal StepCountState(int[] lengths) => Lengths = lengths;

    /// <summary>The number of completed updates; the next update uses the schedule at this index.</summary>
    public long Count { get; internal set; }

    /// <summary>The parameter buffer lengths the state was created for.</summary>
    internal int[] Lengths { get; }

    /// <inheritdoc/>
    public void Reset() => Count = 0;

    bool ICheckpointableState.CanCheckpoint => true;

    IOptimizerState ICheckpointableState.Copy() => new StepCountState(Lengths) { Count = Count };

    void ICheckpointableState.CopyFrom(IOptimizerState source) => Count = ((StepCountState)source).Count;

    bool ICheckpointableState.IsFinite() => true;
}
