using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// y = b - eˣ, mapping ℝ onto (-∞, b) element-wise for an upper bound b (a tensor, broadcast): Stan's upper-bound
/// transform (Stan reference manual, "Upper bounded scalar"). x = log(b - y) and log |dy/dx| = x. The bound is
/// used as given, so its gradient flows through <see cref="Forward"/>.
/// </summary>
public sealed class UpperBoundBijector : Bijector
{
    /// <summary>Creates the bijector.</summary>
    /// <param name="upper">The upper bound b (finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">An entry of the bound is not finite.</exception>
    public UpperBoundBijector(Tensor upper)
    {
        ArgumentNullException.ThrowIfNull(upper);
        BijectorChecks.RequireAll(upper, double.IsFinite, nameof(UpperBoundBijector), "a finite upper bound", nameof(upper));
        Upper = upper;
    }

    /// <summary>The upper bound b.</summary>
    public Tensor Upper { get; }

    /// <inheritdoc/>
    public override string Name => "UpperBound";

    /// <summary>y = b - eˣ.</summary>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Upper - x.Exp();
    }

    /// <summary>x = log(b - y), for y &lt; b.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is not below the bound.</exception>
    public override Tensor Inverse(Tensor y)
    {
        Require(y);
        return (Upper - y).Log();
    }

    /// <summary>log |dy/dx| = x (broadcast to the shape of y).</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.BroadcastTo(Shapes.Broadcast(x.ShapeArray, Upper.ShapeArray));
    }

    /// <summary>log |dx/dy| = -log(b - y).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is not below the bound.</exception>
    public override Tensor InverseLogDetJacobian(Tensor y)
    {
        Require(y);
        return -(Upper - y).Log();
    }

    private void Require(Tensor y) =>
        BijectorChecks.RequireAllAgainst(y, Upper, static (v, b) => v < b && double.IsFinite(v), nameof(UpperBoundBijector), "finite y < upper");
}
