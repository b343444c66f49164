namespace KlDivergence.Tensors;

/// <summary>An element-wise operation: its name, its vectorised kernel, and its derivative rule.</summary>
internal sealed class UnaryOp(string name, UnaryKernel forward, UnaryDerivative derivative)
{
    public string Name { get; } = name;

    public UnaryKernel Forward { get; } = forward;

    public UnaryDerivative Derivative { get; } = derivative;
}
