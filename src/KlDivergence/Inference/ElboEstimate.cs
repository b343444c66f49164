using KlDivergence.Diagnostics;
using KlDivergence.Tensors;

namespace KlDivergence.Inference;

/// <summary>An ELBO estimate: the value (a differentiable scalar), its Monte Carlo standard error and the sample count.</summary>
/// <param name="Value">The estimate of E_q[log p̃(z) - log q(z)], differentiable in the surrogate's parameters.</param>
/// <param name="StandardError">The standard error of the Monte Carlo part.</param>
/// <param name="SampleCount">The number of samples of q used.</param>
public sealed record ElboEstimate(Tensor Value, double StandardError, int SampleCount)
{
    /// <summary>The value with its standard error in the library's one estimate shape (the value stays differentiable).</summary>
    public Estimate Estimate => new(Value, Tensor.Scalar(StandardError));
}
