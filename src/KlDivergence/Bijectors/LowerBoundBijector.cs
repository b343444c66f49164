using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// y = a + eˣ, mapping ℝ onto (a, ∞) element-wise for a lower bound a (a tensor, broadcast): Stan's lower-bound
/// transform (Stan reference manual, "Lower bounded scalar"). x = log(y - a) and log |dy/dx| = x. The bound is
/// used as given, so a bound that depends on other variables receives its gradient through <see cref="Forward"/>.
/// </summary>
public sealed class LowerBoundBijector : Bijector
{
    /// <summary>Creates the bijector.</summary>
    /// <param name="lower">The lower bound a (finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">An entry of the bound is not finite.</exception>
    public LowerBoundBijector(Tensor lower)
    {
        ArgumentNullException.ThrowIfNull(lower);
        BijectorChecks.RequireAll(lower, double.IsFinite, nameof(LowerBoundBijector), "a finite lower bound", nameof(lower));
        Lower = lower;
    }

    /// <summary>The lower bound a.</summary>
    public Tensor Lower { get; }

    /// <inheritdoc/>
    public override string Name => "LowerBound";

    /// <summary>y = a + eˣ.</summary>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Lower + x.Exp();
    }

    /// <summary>x = log(y - a), for y &gt; a.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is not above the bound.</exception>
    public override Tensor Inverse(Tensor y)
    {
        Require(y);
        return (y - Lower).Log();
    }

    /// <summary>log |dy/dx| = x (broadcast to the shape of y).</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.BroadcastTo(Shapes.Broadcast(x.ShapeArray, Lower.ShapeArray));
    }

    /// <summary>log |dx/dy| = -log(y - a).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is not above the bound.</exception>
    public override Tensor InverseLogDetJacobian(Tensor y)
    {
        Require(y);
        return -(y - Lower).Log();
    }

    private void Require(Tensor y) =>
        BijectorChecks.RequireAllAgainst(y, Lower, static (v, a) => v > a && double.IsFinite(v), nameof(LowerBoundBijector), "finite y > lower");
}
