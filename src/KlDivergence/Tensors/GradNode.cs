namespace KlDivergence.Tensors;

/// <summary>
/// The record of one operation in the graph: its inputs and the rule that maps the gradient of its output
/// to the gradients of its inputs (null where an input gets none).
/// </summary>
internal sealed class GradNode(Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
{
    public Tensor[] Inputs { get; } = inputs;

    public Func<Tensor, Tensor?[]> Backward { get; } = backward;
}
