using System.Numerics.Tensors;

namespace KlDivergence.Optimization;

/// <summary>
/// Momentum, in PyTorch's convention (<c>torch.optim.SGD</c> with dampening 0; also <c>optax.trace</c>):
/// <code>
/// b_t = μ b_{t−1} + g_t                 (b_0 = 0, so b_1 = g_1)
/// u_t = b_t                             (heavy ball, Polyak 1964)
/// u_t = g_t + μ b_t                     (Nesterov)
/// </code>
/// The Nesterov form is the reformulation of Sutskever, Martens, Dahl &amp; Hinton 2013 ("On the
/// importance of initialization and momentum in deep learning") used by PyTorch, in which the look-ahead
/// is folded into the update so the gradient is taken at the current parameters.
/// </summary>
/// <remarks>
/// The learning rate multiplies the result afterwards (<see cref="ScaleByLearningRate"/>), so the step is
/// −η b_t, as in PyTorch (not the Sutskever form v ← μ v − η g, which differs when η changes over time).
/// </remarks>
public sealed class Trace : IGradientTransformation
{
    /// <summary>Creates a momentum transformation.</summary>
    /// <param name="momentum">μ ∈ [0, 1), the decay of the momentum buffer.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="momentum"/> is outside [0, 1).</exception>
    public Trace(double momentum, bool nesterov = false)
    {
        Guard.DecayRate(momentum, nameof(momentum));
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>μ, the decay of the momentum buffer.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public IOptimizerState Init(IReadOnlyList<double[]> parameters) => new TraceState(Guard.ZerosLike(parameters, nameof(parameters)));

    /// <inheritdoc/>
    public void Update(IReadOnlyList<double[]> updates, IOptimizerState state, IReadOnlyList<double[]> parameters)
    {
        TraceState s = Guard.State<TraceState>(state, nameof(state));
        Guard.SameShape(updates, s.MomentumBuffers, nameof(updates));
        for (int i = 0; i < updates.Count; i++)
        {
            Span<double> g = updates[i];
            Span<double> b = s.MomentumBuffers[i];

            // b ← μ b + g
            TensorPrimitives.MultiplyAdd(b, Momentum, g, b);
            if (Nesterov)
            {
                // u = g + μ b
                TensorPrimitives.MultiplyAdd(b, Momentum, g, g);
            }
            else
            {
                b.CopyTo(g);
            }
        }

        s.Count++;
    }
}
