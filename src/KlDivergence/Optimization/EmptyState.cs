namespace KlDivergence.Optimization;

/// <summary>The state of a stateless transformation (clipping, weight decay): nothing to keep.</summary>
public sealed class EmptyState : ICheckpointableState
{
    private EmptyState()
    {
    }

    /// <summary>The single instance; stateless transformations share it.</summary>
    public static EmptyState Instance { get; } = new();

    /// <inheritdoc/>
    public void Reset()
    {
    }

    bool ICheckpointableState.CanCheckpoint => true;

    IOptimizerState ICheckpointableState.Copy() => this;

    void ICheckpointableState.CopyFrom(IOptimizerState source)
    {
    }

    bool ICheckpointableState.IsFinite() => true;
}
