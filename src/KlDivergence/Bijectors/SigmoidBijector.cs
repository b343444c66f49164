using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// y = σ(x) = 1 / (1 + e⁻ˣ), mapping ℝ onto (0, 1) element-wise. The inverse is the logit
/// x = log y - log(1 - y) (with log1p for the second term) and
/// log |dy/dx| = log σ(x) + log σ(-x) = -softplus(-x) - softplus(x).
/// </summary>
/// <remarks>As <c>tfp.bijectors.Sigmoid</c> and PyTorch's <c>SigmoidTransform</c>.</remarks>
public sealed class SigmoidBijector : Bijector
{
    /// <inheritdoc/>
    public override string Name => "Sigmoid";

    /// <summary>y = 1 / (1 + e⁻ˣ).</summary>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Sigmoid();
    }

    /// <summary>x = log y - log1p(-y), for 0 &lt; y &lt; 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is outside (0, 1).</exception>
    public override Tensor Inverse(Tensor y)
    {
        BijectorChecks.RequireAllInside(y, 0, 1, nameof(SigmoidBijector), "0 < y < 1");
        return y.Log() - (-y).Log1p();
    }

    /// <summary>log |dy/dx| = -softplus(-x) - softplus(x).</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return -(-x).Softplus() - x.Softplus();
    }

    /// <summary>log |dx/dy| = -log y - log1p(-y).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is outside (0, 1).</exception>
    public override Tensor InverseLogDetJacobian(Tensor y)
    {
        BijectorChecks.RequireAllInside(y, 0, 1, nameof(SigmoidBijector), "0 < y < 1");
        return -y.Log() - (-y).Log1p();
    }
}
