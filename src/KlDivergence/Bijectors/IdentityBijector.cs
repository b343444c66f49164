using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>The identity y = x, with log |dy/dx| = 0 (element-wise).</summary>
public sealed class IdentityBijector : Bijector
{
    /// <inheritdoc/>
    public override string Name => "Identity";

    /// <summary>y = x.</summary>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x;
    }

    /// <summary>x = y.</summary>
    public override Tensor Inverse(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        return y;
    }

    /// <summary>log |dy/dx| = 0, a tensor of zeros of the input's shape.</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.ZerosLike();
    }

    /// <summary>log |dx/dy| = 0, a tensor of zeros of the input's shape.</summary>
    public override Tensor InverseLogDetJacobian(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        return y.ZerosLike();
    }
}
