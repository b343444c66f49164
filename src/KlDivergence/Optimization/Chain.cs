namespace KlDivergence.Optimization;

/// <summary>
/// Applies transformations one after another (as <c>optax.chain</c>): for a chain (T₁, …, Tₙ),
/// <code>
/// u ← Tₙ(… T₂(T₁(g)) …)
/// </code>
/// each with its own state. Order matters: clipping before Adam clips gradients, clipping after it
/// clips Adam's directions.
/// </summary>
public sealed class Chain : IGradientTransformation
{
    private readonly IGradientTransformation[] transformations;

    /// <summary>Creates a chain that applies <paramref name="transformations"/> in the order given.</summary>
    /// <param name="transformations">The transformations; none may be null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="transformations"/> or one of its elements is null.</exception>
    public Chain(params IGradientTransformation[] transformations)
    {
        ArgumentNullException.ThrowIfNull(transformations);
        for (int i = 0; i < transformations.Length; i++)
        {
            if (transformations[i] is null)
            {
                throw new ArgumentNullException(nameof(transformations), $"transformations[{i}] is null.");
            }
        }

        this.transformations = (IGradientTransformation[])transformations.Clone();
    }

    /// <summary>The chained transformations, in the order they are applied.</summary>
    public IReadOnlyList<IGradientTransformation> Transformations => transformations;

    /// <inheritdoc/>
    public IOptimizerState Init(IReadOnlyList<double[]> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var states = new IOptimizerState[transformations.Length];
        for (int i = 0; i < states.Length; i++)
        {
            states[i] = transformations[i].Init(parameters);
        }

        return new ChainState(states);
    }

    /// <inheritdoc/>
    public void Update(IReadOnlyList<double[]> updates, IOptimizerState state, IReadOnlyList<double[]> parameters)
    {
        ChainState s = Guard.State<ChainState>(state, nameof(state));
        if (s.InnerStates.Length != transformations.Length)
        {
            throw new ArgumentException($"The state holds {s.InnerStates.Length} inner states but the chain has {transformations.Length} transformations.", nameof(state));
        }

        for (int i = 0; i < transformations.Length; i++)
        {
            transformations[i].Update(updates, s.InnerStates[i], parameters);
        }
    }
}
