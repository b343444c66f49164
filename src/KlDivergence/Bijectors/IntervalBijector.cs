using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// y = a + (b - a)·σ(x), mapping ℝ onto the open interval (a, b) element-wise, for bounds a &lt; b (tensors,
/// broadcast): Stan's lower- and upper-bounded transform (Stan reference manual, "Lower and upper bounded scalar").
/// x = log(y - a) - log(b - y) and log |dy/dx| = log(b - a) + log σ(x) + log σ(-x). The bounds are used as given,
/// so bounds that depend on other variables (e.g. Uniform(0, 1 - α)) receive their gradients through
/// <see cref="Forward"/> and through the log(b - a) term of the log-determinant.
/// </summary>
public sealed class IntervalBijector : Bijector
{
    /// <summary>Creates the bijector.</summary>
    /// <param name="lower">The lower bound a (finite).</param>
    /// <param name="upper">The upper bound b (finite, above a everywhere after broadcasting).</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not finite, or b ≤ a somewhere.</exception>
    public IntervalBijector(Tensor lower, Tensor upper)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        BijectorChecks.RequireAll(lower, double.IsFinite, nameof(IntervalBijector), "a finite lower bound", nameof(lower));
        BijectorChecks.RequireAll(upper, double.IsFinite, nameof(IntervalBijector), "a finite upper bound", nameof(upper));
        RequireOrdered(lower, upper, nameof(IntervalBijector));
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The lower bound a.</summary>
    public Tensor Lower { get; }

    /// <summary>The upper bound b.</summary>
    public Tensor Upper { get; }

    /// <inheritdoc/>
    public override string Name => "Interval";

    /// <summary>y = a + (b - a)·σ(x).</summary>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Lower + ((Upper - Lower) * x.Sigmoid());
    }

    /// <summary>x = log(y - a) - log(b - y), for a &lt; y &lt; b.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is outside (a, b).</exception>
    public override Tensor Inverse(Tensor y)
    {
        Require(y);
        return (y - Lower).Log() - (Upper - y).Log();
    }

    /// <summary>log |dy/dx| = log(b - a) - softplus(-x) - softplus(x).</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return (Upper - Lower).Log() - (-x).Softplus() - x.Softplus();
    }

    /// <summary>log |dx/dy| = log(b - a) - log(y - a) - log(b - y).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is outside (a, b).</exception>
    public override Tensor InverseLogDetJacobian(Tensor y)
    {
        Require(y);
        return (Upper - Lower).Log() - (y - Lower).Log() - (Upper - y).Log();
    }

    /// <summary>Throws unless upper &gt; lower at every broadcast position; the message names both values.</summary>
    internal static void RequireOrdered(Tensor lower, Tensor upper, string owner)
    {
        int[] shape = Shapes.Broadcast(lower.ShapeArray, upper.ShapeArray);
        double[] lo = TensorOps.Expand(lower, shape), hi = TensorOps.Expand(upper, shape);
        for (int i = 0; i < hi.Length; i++)
        {
            if (!(hi[i] > lo[i]))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(upper),
                    hi[i],
                    $"{owner} needs upper > lower; got upper = {BijectorChecks.Format(hi[i])} and lower = {BijectorChecks.Format(lo[i])} at flat index {i} of the broadcast shape {Shapes.Format(shape)}.");
            }
        }
    }

    private void Require(Tensor y)
    {
        BijectorChecks.RequireAllAgainst(y, Lower, static (v, a) => v > a, nameof(IntervalBijector), "y > lower");
        BijectorChecks.RequireAllAgainst(y, Upper, static (v, b) => v < b, nameof(IntervalBijector), "y < upper");
    }
}
