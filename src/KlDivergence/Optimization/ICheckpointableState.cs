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

    /// <summary>
    /// Saves this state into <paramref name="saved"/> (a state of the same kind and shape) just before an update, for
    /// <see cref="RestoreFrom"/> after a failed one: a copy, unless the state's update can read its old values from
    /// <paramref name="saved"/> and write fresh buffers (then the two swap buffers and nothing is copied). The next
    /// call on this state must be that update.
    /// </summary>
    void SaveInto(IOptimizerState saved) => ((ICheckpointableState)saved).CopyFrom(this);

    /// <summary>Puts back the state <see cref="SaveInto"/> saved in <paramref name="saved"/>, after the update it preceded failed.</summary>
    void RestoreFrom(IOptimizerState saved) => CopyFrom(saved);
}
