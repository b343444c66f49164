namespace KlDivergence.Tensors;

/// <summary>
/// An element-wise operation of two inputs: its name, its vectorised kernel, and the derivative rule for
/// each input. Broadcasting is handled once, by the caller, not by each rule.
/// </summary>
internal sealed class BinaryOp(string name, BinaryKernel forward, BinaryDerivative gradLeft, BinaryDerivative gradRight)
{
    public string Name { get; } = name;

    public BinaryKernel Forward { get; } = forward;

    public BinaryDerivative GradLeft { get; } = gradLeft;

    public BinaryDerivative GradRight { get; } = gradRight;
}
