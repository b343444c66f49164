using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// The inverse autoregressive flow layer (IAF, Kingma, Salimans, Jozefowicz, Chen, Sutskever &amp; Welling 2016):
/// yᵢ = xᵢ exp(sᵢ(x_{&lt;i})) + mᵢ(x_{&lt;i}). Sampling (forward) is one network pass, which makes it the natural
/// surrogate layer for variational inference; the inverse takes d passes.
/// </summary>
public sealed class InverseAutoregressiveBijector : AutoregressiveBijector
{
    /// <summary>Creates the layer; it starts as the identity.</summary>
    /// <param name="dimension">d.</param>
    /// <param name="hiddenLayers">The MADE network's hidden widths (each at least d - 1).</param>
    /// <param name="random">The stream the hidden weights are drawn from.</param>
    /// <param name="activation">The hidden activation.</param>
    public InverseAutoregressiveBijector(int dimension, IReadOnlyList<int> hiddenLayers, RandomStream random, Activation activation = Activation.Tanh)
        : base(dimension, hiddenLayers, random, activation)
    {
    }

    /// <inheritdoc/>
    public override string Name => $"InverseAutoregressive({Dimension})";

    /// <inheritdoc/>
    protected override (Tensor Y, Tensor LogDet) ForwardRows(Tensor x, Func<Parameter, Tensor> valueOf)
    {
        var (y, logScale) = Affine(x, x, valueOf);
        return (y, logScale.Sum(1));
    }

    /// <inheritdoc/>
    protected override Tensor InverseRows(Tensor y, Func<Parameter, Tensor> valueOf)
    {
        var x = y.ZerosLike();
        for (int pass = 0; pass < Dimension; pass++)
        {
            x = InverseAffine(y, x, valueOf);
        }

        return x;
    }
}
