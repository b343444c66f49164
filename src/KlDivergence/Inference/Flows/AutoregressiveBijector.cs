using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// The affine autoregressive map y = x⊙exp(s) + m with (m, s) from a MADE network whose coordinate i depends only
/// on coordinates &lt; i of its input: the Jacobian is triangular and log |det| = Σᵢ sᵢ exactly. The two flows
/// differ in which side feeds the network: <see cref="InverseAutoregressiveBijector"/> conditions on x (forward in
/// one pass, inverse in d passes), <see cref="MaskedAutoregressiveBijector"/> on y (forward in d passes, inverse in
/// one). Each d-pass direction iterates v ← g(v) from v = 0: after k passes the first k coordinates are exact.
/// </summary>
public abstract class AutoregressiveBijector : FlowBijector
{
    private readonly DenseNetwork network;

    /// <summary>Creates the layer; it starts as the identity (the network's output layer is zero).</summary>
    /// <param name="dimension">d.</param>
    /// <param name="hiddenLayers">The MADE network's hidden widths (each at least d - 1 so every degree is present).</param>
    /// <param name="random">The stream the hidden weights are drawn from.</param>
    /// <param name="activation">The hidden activation.</param>
    private protected AutoregressiveBijector(int dimension, IReadOnlyList<int> hiddenLayers, RandomStream random, Activation activation)
        : this(Build(dimension, hiddenLayers, random, activation))
    {
    }

    private AutoregressiveBijector((int Dimension, DenseNetwork Network) p)
        : base(p.Dimension, [.. p.Network.Parameters]) => network = p.Network;

    /// <summary>y = x⊙exp(s(c)) + m(c) row by row, with the conditioner's input c given.</summary>
    private protected (Tensor Y, Tensor LogScale) Affine(Tensor x, Tensor conditioner, Func<Parameter, Tensor> valueOf)
    {
        var (shift, logScale) = Made(conditioner, valueOf);
        return ((x * logScale.Exp()) + shift, logScale);
    }

    /// <summary>x = (y - m(c))⊙exp(-s(c)) row by row.</summary>
    private protected Tensor InverseAffine(Tensor y, Tensor conditioner, Func<Parameter, Tensor> valueOf)
    {
        var (shift, logScale) = Made(conditioner, valueOf);
        return (y - shift) * (-logScale).Exp();
    }

    private (Tensor Shift, Tensor LogScale) Made(Tensor input, Func<Parameter, Tensor> valueOf)
    {
        var h = network.Apply(input, valueOf);
        return (h.Narrow(1, 0, Dimension), h.Narrow(1, Dimension, Dimension));
    }

    private static (int, DenseNetwork) Build(int dimension, IReadOnlyList<int> hiddenLayers, RandomStream random, Activation activation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentNullException.ThrowIfNull(hiddenLayers);
        if (hiddenLayers.Count == 0 || hiddenLayers.Any(h => h < dimension - 1))
        {
            throw new ArgumentException(
                $"A MADE conditioner over {dimension} coordinates needs at least one hidden layer, each of width ≥ {Math.Max(1, dimension - 1)}; got [{string.Join(", ", hiddenLayers)}].",
                nameof(hiddenLayers));
        }

        return (dimension, new DenseNetwork(dimension, hiddenLayers, 2 * dimension, activation, random, "made", MadeMasks.Create(dimension, hiddenLayers)));
    }
}
