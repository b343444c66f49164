namespace KlDivergence.Tensors;

/// <summary>
/// An element-wise operation of two inputs: its name, its vectorised kernel, and the derivative rule for
/// each input. Broadcasting is handled once, by the caller, not by each rule.
/// </summary>
internal sealed class BinaryOp(
    string name,
    BinaryKernel forward,
    BinaryDerivative gradLeft,
    BinaryDerivative gradRight,
    ScalarRightKernel? forwardScalarRight = null,
    ScalarLeftKernel? forwardScalarLeft = null)
{
    public string Name { get; } = name;

    /// <summary>y = f(a, b) with a single b, when the op has a kernel that needs no broadcast copy.</summary>
    public ScalarRightKernel? ForwardScalarRight { get; } = forwardScalarRight;

    /// <summary>y = f(a, b) with a single a, when the op has a kernel that needs no broadcast copy.</summary>
    public ScalarLeftKernel? ForwardScalarLeft { get; } = forwardScalarLeft;

    public BinaryKernel Forward { get; } = forward;

    public BinaryDerivative GradLeft { get; } = gradLeft;

    public BinaryDerivative GradRight { get; } = gradRight;
}
