using System.Numerics.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// Adds weight decay to the updates: <c>u ← u + λ θ</c>, with θ the current parameters
/// (as <c>optax.add_decayed_weights</c>).
/// </summary>
/// <remarks>
/// Where it sits in a chain decides what it means:
/// <list type="bullet">
/// <item>first, before momentum or Adam, it is an L2 penalty ½λ‖θ‖² folded into the gradient
/// (PyTorch <c>weight_decay</c> for SGD, Adam and RMSprop);</item>
/// <item>after <see cref="ScaleByAdam"/> and before <see cref="ScaleByLearningRate"/>, it is decoupled
/// weight decay, θ ← θ − η (u + λ θ) (AdamW, Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay
/// Regularization", with the decay multiplied by η as PyTorch and optax do).</item>
/// </list>
/// </remarks>
public sealed class AddDecayedWeights : IGradientTransformation
{
    /// <summary>Creates a weight decay transformation.</summary>
    /// <param name="weightDecay">λ; finite and non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightDecay"/> is negative, NaN or infinite.</exception>
    public AddDecayedWeights(double weightDecay)
    {
        Guard.NonNegativeFinite(weightDecay, nameof(weightDecay));
        WeightDecay = weightDecay;
    }

    /// <summary>λ, the weight decay coefficient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc/>
    public IOptimizerState Init(IReadOnlyList<double[]> parameters)
    {
        _ = Guard.Lengths(parameters, nameof(parameters));
        return EmptyState.Instance;
    }

    /// <inheritdoc/>
    public void Update(IReadOnlyList<double[]> updates, IOptimizerState state, IReadOnlyList<double[]> parameters)
    {
        _ = Guard.State<EmptyState>(state, nameof(state));
        Guard.SameShape(updates, parameters, nameof(updates), nameof(parameters));
        for (int i = 0; i < updates.Count; i++)
        {
            // u ← λ θ + u
            TensorPrimitives.MultiplyAdd(parameters[i], WeightDecay, updates[i], updates[i]);
        }
    }
}
