namespace KlDivergence.Optimization;

/// <summary>
/// The mutable state of one <see cref="IGradientTransformation"/>: step counters and moment buffers.
/// </summary>
/// <remarks>
/// A state is created by <see cref="IGradientTransformation.Init"/>, owned by the caller, and advanced
/// in place by <see cref="IGradientTransformation.Update"/>. It is shaped like the parameter list it was
/// created for and must only be passed back to a transformation of the kind that created it.
/// A state is not thread-safe: one optimization loop owns it.
/// </remarks>
public interface IOptimizerState
{
    /// <summary>Returns the state to the value <see cref="IGradientTransformation.Init"/> gave it: counters and buffers zero.</summary>
    void Reset();
}
