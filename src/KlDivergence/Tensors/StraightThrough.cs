namespace KlDivergence.Tensors;

/// <summary>
/// The values of its second input carrying the gradient of its first (which must have the same shape): how a result
/// computed once by a fused kernel (the number reported with or without gradients) takes the graph of an equal-up-to-
/// rounding tensor formula, so asking for gradients never changes the value.
/// </summary>
internal sealed class StraightThrough() : CustomOp("value with the gradient of", 2)
{
    public static readonly StraightThrough Instance = new();

    /// <summary><paramref name="value"/>'s values with <paramref name="graph"/>'s gradient (unrecorded when the graph needs none).</summary>
    public static Tensor Of(Tensor graph, Tensor value) => Tensor.Tracks(graph) ? Instance.Apply(graph, value) : value;

    public override void Forward(in CustomOpBlock block, Span<double> output) => block.Input(1).CopyTo(output);

    public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient)
    {
        if (block.NeedsGradient(0))
        {
            outputGradient.CopyTo(block.Gradient(0));
        }
    }
}
