namespace KlDivergence.Tensors;

/// <summary>
/// The record of one operation in the graph: its inputs and the rule that maps the gradient of its output
/// to the gradients of its inputs (null where an input gets none).
/// </summary>
internal sealed class GradNode(Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
{
    /// <summary>The <see cref="UniformFactors"/> of a single-input operation that hands its output gradient on unchanged (a sum, a reshape).</summary>
    public static readonly double[] PassesOn = [1.0];

    public Tensor[] Inputs { get; } = inputs;

    public Func<Tensor, Tensor?[]> Backward { get; } = backward;

    /// <summary>
    /// For a single-input operation whose input gradient is a scatter (a gather's): adds the input's gradient for the
    /// given output gradient into a dense array of the input's length, so repeated gathers from one source accumulate
    /// into one array instead of each building a dense gradient. Null for other operations.
    /// </summary>
    public Action<Tensor, double[]>? ScatterInto { get; set; }

    /// <summary>
    /// For an operation whose input gradients are one value each wherever its output gradient is one value c (a sum
    /// hands c to every element it summed; a reshape, a sum or a difference of same-shaped tensors pass c on): input
    /// k's gradient is then c × UniformFactors[k] everywhere (factors of ±1, so the value is exactly what
    /// <see cref="Backward"/> would have written), and the pass carries it as that one value instead of an array.
    /// Null for other operations.
    /// </summary>
    public double[]? UniformFactors { get; init; }

    /// <summary>
    /// The rule for an output gradient that is one value everywhere (see <see cref="UniformGradient"/>): the same
    /// gradients <see cref="Backward"/> computes from that value written out, without writing it out. Null where the
    /// operation has none; the pass then writes the value out and calls <see cref="Backward"/>.
    /// </summary>
    public Func<double, Tensor?[]>? BackwardUniform { get; init; }
}
