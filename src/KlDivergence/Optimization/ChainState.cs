namespace KlDivergence.Optimization;

/// <summary>The state of a <see cref="Chain"/>: one state per transformation, in chain order.</summary>
public sealed class ChainState : ICheckpointableState
{
    internal ChainState(IOptimizerState[] inner) => InnerStates = inner;

    /// <summary>The states of the chained transformations, in the order they are applied.</summary>
    public IReadOnlyList<IOptimizerState> Inner => InnerStates;

    internal IOptimizerState[] InnerStates { get; }

    /// <inheritdoc/>
    public void Reset()
    {
        foreach (IOptimizerState s in InnerStates)
        {
            s.Reset();
        }
    }

    bool ICheckpointableState.CanCheckpoint => InnerStates.All(s => s is ICheckpointableState { CanCheckpoint: true });

    IOptimizerState ICheckpointableState.Copy() => new ChainState([.. InnerStates.Select(s => ((ICheckpointableState)s).Copy())]);

    void ICheckpointableState.CopyFrom(IOptimizerState source)
    {
        var s = (ChainState)source;
        for (int i = 0; i < InnerStates.Length; i++)
        {
            ((ICheckpointableState)InnerStates[i]).CopyFrom(s.InnerStates[i]);
        }
    }

    bool ICheckpointableState.IsFinite() => InnerStates.All(s => ((ICheckpointableState)s).IsFinite());

    void ICheckpointableState.SaveInto(IOptimizerState saved)
    {
        var s = (ChainState)saved;
        for (int i = 0; i < InnerStates.Length; i++)
        {
            ((ICheckpointableState)InnerStates[i]).SaveInto(s.InnerStates[i]);
        }
    }

    void ICheckpointableState.RestoreFrom(IOptimizerState saved)
    {
        var s = (ChainState)saved;
        for (int i = 0; i < InnerStates.Length; i++)
        {
            ((ICheckpointableState)InnerStates[i]).RestoreFrom(s.InnerStates[i]);
        }
    }
}
