namespace KlDivergence.Tensors;

/// <summary>
/// Differentiable activation functions for small neural networks (the conditioners of normalizing flows); their
/// kernels and derivative rules are entries of the element-wise op table like tanh, sigmoid and softplus
/// (in <see cref="TensorOps"/>).
/// </summary>
public static class ActivationOps
{
    /// <summary>max(x, 0) element-wise; the gradient is 1 where x &gt; 0 and 0 elsewhere (0 at x = 0, as PyTorch).</summary>
    public static Tensor Relu(this Tensor x) => TensorOps.Unary(ElementwiseRules.Relu, x);

    /// <summary>
    /// The exponential linear unit (Clevert, Unterthiner &amp; Hochreiter 2016): x for x &gt; 0, eˣ - 1 otherwise
    /// (computed as expm1, exact near 0); its derivative is 1 for x &gt; 0 and eˣ = y + 1 otherwise.
    /// </summary>
    public static Tensor Elu(this Tensor x) => TensorOps.Unary(ElementwiseRules.Elu, x);
}
