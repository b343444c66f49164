namespace KlDivergence.Tensors;

/// <summary>
/// The record of one operation in the graph: its inputs and the rule that maps the gradient of its output
/// to the gradients of its inputs (null where an input gets none).
/// </summary>
internal sealed class GradNode(Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
{
    public Tensor[] Inputs { get; } = inputs;

    public Func<Tensor, Tensor?[]> Backward { get; } = backward;

    /// <summary>
    /// For a single-input operation whose input gradient is a scatter (a gather's): adds the input's gradient for the
    /// given output gradient into a dense array of the input's length, so repeated gathers from one source accumulate
    /// into one array instead of each building a dense gradient. Null for other operations.
    /// </summary>
    public Action<Tensor, double[]>? ScatterInto { get; set; }
}
