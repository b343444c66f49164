namespace KlDivergence.Optimization;

/// <summary>
/// A gradient transformation in the style of optax: a pair <c>Init</c>/<c>Update</c> that turns
/// gradients into parameter updates, possibly using a state (step counts, moment estimates).
/// </summary>
/// <remarks>
/// <para>
/// Transformations compose with <see cref="Chain"/>: each one rewrites the buffers the previous one
/// produced. A complete optimizer (see <see cref="Optimizers"/>) ends with <see cref="ScaleByLearningRate"/>,
/// which turns the direction into a step <c>u = −η(t) · d</c>; apply it with <see cref="Updates.Apply"/>.
/// Computing a step and applying it are separate so a caller can inspect or log the step.
/// </para>
/// <para>
/// Finiteness: <see cref="Update"/> does not check its input for NaN or infinity (that would cost a pass
/// over every buffer on every step). The caller (the minimize loop) checks that the gradients are finite
/// before calling it. Finite input can still overflow a state (Adam's g² for |g| above about 1e154); the minimize
/// loop saves the built-in states before each update, and skips the step and restores the state when the
/// updates or the state come out non-finite.
/// </para>
/// </remarks>
public interface IGradientTransformation
{
    /// <summary>Creates a fresh state shaped like <paramref name="parameters"/> (buffers zero, step count zero).</summary>
    /// <param name="parameters">The parameter buffers the transformation will be used with; only their lengths are read (and kept as the expected shape).</param>
    /// <returns>A new state owned by the caller.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or one of its buffers is null.</exception>
    IOptimizerState Init(IReadOnlyList<double[]> parameters);

    /// <summary>
    /// Transforms <paramref name="updates"/> in place (on entry gradients, or the output of the previous
    /// transformation in a chain; on exit the transformed updates) and advances <paramref name="state"/>.
    /// Allocates nothing.
    /// </summary>
    /// <param name="updates">Buffers to transform in place, one per parameter, with the lengths given to <see cref="Init"/>.</param>
    /// <param name="state">The state returned by <see cref="Init"/> of a transformation of the same kind.</param>
    /// <param name="parameters">The current parameter values (read only; used by weight decay).</param>
    /// <exception cref="ArgumentException">The buffers do not match the shape given to <see cref="Init"/>, or the state is of the wrong kind.</exception>
    void Update(IReadOnlyList<double[]> updates, IOptimizerState state, IReadOnlyList<double[]> parameters);
}
