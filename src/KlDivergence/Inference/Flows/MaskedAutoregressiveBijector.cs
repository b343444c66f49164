using KlDivergence.Optimization;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Inference.Flows;

/// <summary>
/// The masked autoregressive flow layer (MAF, Papamakarios, Pavlakou &amp; Murray 2017), mapping noise x to a value y
/// by yᵢ = xᵢ exp(sᵢ(y_{&lt;i})) + mᵢ(y_{&lt;i}). Evaluating a density (the inverse, x = (y - m(y))⊙exp(-s(y))) is one
/// network pass; sampling (forward) takes d passes.
/// </summary>
public sealed class MaskedAutoregressiveBijector : AutoregressiveBijector
{
    /// <summary>Creates the layer; it starts as the identity.</summary>
    /// <param name="dimension">d.</param>
    /// <param name="hiddenLayers">The MADE network's hidden widths (each at least d - 1).</param>
    /// <param name="random">The stream the hidden weights are drawn from.</param>
    /// <param name="activation">The hidden activation.</param>
    public MaskedAutoregressiveBijector(int dimension, IReadOnlyList<int> hiddenLayers, RandomStream random, Activation activation = Activation.Tanh)
        : base(dimension, hiddenLayers, random, activation)
    {
    }

    /// <inheritdoc/>
    public override string Name => $"MaskedAutoregressive({Dimension})";

    /// <inheritdoc/>
    protected override (Tensor Y, Tensor LogDet) ForwardRows(Tensor x, Func<Parameter, Tensor> valueOf)
    {
        // The last pass reads y with its first d - 1 coordinates exact, which is all s and m depend on.
        var y = x.ZerosLike();
        Tensor logScale = y;
        for (int pass = 0; pass < Dimension; pass++)
        {
            (y, logScale) = Affine(x, y, valueOf);
        }

        return (y, logScale.Sum(1));
    }

    /// <inheritdoc/>
    protected override Tensor InverseRows(Tensor y, Func<Parameter, Tensor> valueOf) => InverseAffine(y, y, valueOf);
}
