namespace KlDivergence.Tensors;

/// <summary>
/// An element-wise operation: its name, its vectorised kernel, its derivative rule, and the fewest elements at which
/// both run on the cores (<see cref="ElementwiseSplit"/>; by cost: the cheaper an element, the more it takes for
/// the cores to beat waking a worker).
/// </summary>
internal sealed class UnaryOp(string name, UnaryKernel forward, UnaryDerivative derivative, int splitThreshold = ElementwiseSplit.Threshold)
{
    public string Name { get; } = name;

    public UnaryKernel Forward { get; } = forward;

    public UnaryDerivative Derivative { get; } = derivative;

    /// <summary>The fewest elements whose forward and derivative kernels run in blocks on the cores.</summary>
    public int SplitThreshold { get; } = splitThreshold;
}
