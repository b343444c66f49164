using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// y = eˣ, mapping ℝ onto (0, ∞) element-wise; x = log y and log |dy/dx| = x.
/// </summary>
/// <remarks>As <c>tfp.bijectors.Exp</c> and PyTorch's <c>ExpTransform</c>.</remarks>
public sealed class ExpBijector : Bijector
{
    /// <inheritdoc/>
    public override string Name => "Exp";

    /// <summary>y = eˣ.</summary>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Exp();
    }

    /// <summary>x = log y, for y &gt; 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is not positive.</exception>
    public override Tensor Inverse(Tensor y)
    {
        BijectorChecks.RequireAllAbove(y, 0, nameof(ExpBijector), "y > 0");
        return y.Log();
    }

    /// <summary>log |dy/dx| = x.</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x;
    }

    /// <summary>x = log y and -x, the bits of <see cref="InverseLogDetJacobian"/>, with one logarithm and one check.</summary>
    internal override (Tensor X, Tensor InverseLogDet) InverseWithLogDet(Tensor y)
    {
        var x = Inverse(y);
        return (x, -x);
    }

    /// <summary>log |dx/dy| = -log y.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is not positive.</exception>
    public override Tensor InverseLogDetJacobian(Tensor y)
    {
        BijectorChecks.RequireAllAbove(y, 0, nameof(ExpBijector), "y > 0");
        return -y.Log();
    }
}
