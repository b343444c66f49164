using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// A small multilayer perceptron, the conditioner of a flow layer: dense layers with an activation between them and
/// a linear output. Optional 0/1 masks on the weights make it autoregressive (MADE, Germain et al. 2015). Hidden
/// weights start at N(0, 1/fan-in) (LeCun's scaling); the output layer starts at zero, so every flow layer starts as
/// the identity map (as Glow, Kingma &amp; Dhariwal 2018, initialises its last layers).
/// </summary>
internal sealed class DenseNetwork
{
    private readonly Parameter[] weights;
    private readonly Parameter[] biases;
    private readonly Tensor?[] masks;
    private readonly Activation activation;

    public DenseNetwork(int inputs, IReadOnlyList<int> hidden, int outputs, Activation activation, RandomStream random, string name, IReadOnlyList<Tensor>? masks = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(random);
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }

        foreach (int h in hidden)
        {
            if (h < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(hidden), h, $"Every hidden layer needs at least one unit; got [{string.Join(", ", hidden)}].");
            }
        }

        int[] sizes = [inputs, .. hidden, outputs];
        int layers = sizes.Length - 1;
        weights = new Parameter[layers];
        biases = new Parameter[layers];
        this.masks = new Tensor?[layers];
        this.activation = activation;
        for (int l = 0; l < layers; l++)
        {
            var w = new double[sizes[l] * sizes[l + 1]];
            if (l < layers - 1)
            {
                random.FillStandardNormal(w);
                double scale = 1 / Math.Sqrt(sizes[l]);
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] *= scale;
                }
            }

            weights[l] = new Parameter(Tensor.FromArray(w, [sizes[l], sizes[l + 1]]), name: $"{name}.w{l}");
            biases[l] = new Parameter(Tensor.Zeros(sizes[l + 1]), name: $"{name}.b{l}");
            this.masks[l] = masks?[l];
        }
    }

    /// <summary>The weights and biases, layer by layer.</summary>
    public IEnumerable<Parameter> Parameters => weights.Zip(biases, (w, b) => new[] { w, b }).SelectMany(p => p);

    /// <summary>The network's output [n, outputs] for inputs [n, inputs].</summary>
    public Tensor Apply(Tensor x, Func<Parameter, Tensor> valueOf)
    {
        var h = x;
        for (int l = 0; l < weights.Length; l++)
        {
            var w = valueOf(weights[l]);
            if (masks[l] is { } mask)
            {
                w *= mask;
            }

            if (l == weights.Length - 1)
            {
                h = h.Dense(w, valueOf(biases[l]));
            }
            else if (FusedActivation is { } fused)
            {
                // The hidden layer and its activation as one graph node.
                h = h.Dense(w, valueOf(biases[l]), fused);
            }
            else
            {
                h = Activate(h.Dense(w, valueOf(biases[l])));
            }
        }

        return h;
    }

    /// <summary>The activation's element-wise rule when the dense op can apply it itself; null for the others.</summary>
    private UnaryOp? FusedActivation => activation switch
    {
        Activation.Tanh => ElementwiseRules.Tanh,
        Activation.Softplus => ElementwiseRules.Softplus,
        _ => null,
    };

    private Tensor Activate(Tensor h) => activation switch
    {
        Activation.Tanh => h.Tanh(),
        Activation.Relu => h.Relu(),
        Activation.Elu => h.Elu(),
        Activation.Softplus => h.Softplus(),
        _ => throw new InvalidOperationException($"Unknown activation {activation}."),
    };
}
