namespace KlDivergence.Optimization;

/// <summary>Applying a computed step to the parameters (kept separate from computing it, as in optax).</summary>
public static class Updates
{
    /// <summary>Adds the updates to the parameters in place: θ ← θ + u.</summary>
    /// <param name="parameters">The parameter buffers, modified in place.</param>
    /// <param name="updates">The step, as produced by an optimizer's <see cref="IGradientTransformation.Update"/> (already carrying the minus sign).</param>
    /// <exception cref="ArgumentException">The two lists differ in count or in a buffer's length.</exception>
    public static void Apply(IReadOnlyList<double[]> parameters, IReadOnlyList<double[]> updates)
    {
        Guard.SameShape(updates, parameters, nameof(updates), nameof(parameters));
        for (int i = 0; i < parameters.Count; i++)
        {
            Buffers.AddInto(parameters[i], updates[i]);
        }
    }
}
