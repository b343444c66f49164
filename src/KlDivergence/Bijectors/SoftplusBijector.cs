using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// y = softplus(x) = log(1 + eˣ), mapping ℝ onto (0, ∞) element-wise. The inverse is
/// x = log(eʸ - 1) = y + log(-expm1(-y)), which neither overflows for large y nor cancels for small y, and
/// log |dy/dx| = log σ(x) = -softplus(-x).
/// </summary>
/// <remarks>As <c>tfp.bijectors.Softplus</c> with hinge softness 1 and PyTorch's <c>SoftplusTransform</c>.</remarks>
public sealed class SoftplusBijector : Bijector
{
    /// <inheritdoc/>
    public override string Name => "Softplus";

    /// <summary>y = log(1 + eˣ).</summary>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Softplus();
    }

    /// <summary>x = y + log(-expm1(-y)), for y &gt; 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is not positive.</exception>
    public override Tensor Inverse(Tensor y)
    {
        BijectorChecks.RequireAllAbove(y, 0, nameof(SoftplusBijector), "y > 0");
        return y + (-(-y).Expm1()).Log();
    }

    /// <summary>log |dy/dx| = log σ(x) = -softplus(-x).</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return -(-x).Softplus();
    }

    /// <summary>log |dx/dy| = -log(1 - e⁻ʸ) = -log(-expm1(-y)).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is not positive.</exception>
    public override Tensor InverseLogDetJacobian(Tensor y)
    {
        BijectorChecks.RequireAllAbove(y, 0, nameof(SoftplusBijector), "y > 0");
        return -(-(-y).Expm1()).Log();
    }
}
