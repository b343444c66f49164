namespace KlDivergence.Optimization;

/// <summary>The state of a <see cref="Chain"/>: one state per transformation, in chain order.</summary>
public sealed class ChainState : IOptimizerState
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
}
