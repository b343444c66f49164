namespace KlDivergence.Optimization;

/// <summary>
/// A state the minimize loop can save before an update and restore after a failed one, and check for
/// non-finite values: one overflowing moment estimate (Adam's v after a gradient of 1e201) would otherwise
/// freeze every later step at a zero update that looks finite. Every built-in state implements it.
/// </summary>
internal interface ICheckpointableState : IOptimizerState
{
    /// <summary>False when a nested state (of a user's transformation) cannot be saved.</summary>
    bool CanCheckpoint { get; }

    /// <summary>A deep copy of this state.</summary>
    IOptimizerState Copy();

    /// <summary>Overwrites this state with <paramref name="source"/>, a state of the same kind and shape.</summary>
    void CopyFrom(IOptimizerState source);

    /// <summary>True when every number the state holds is finite.</summary>
    bool IsFinite();
}
