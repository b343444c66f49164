using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace KlDivergence.Distributions;

/// <summary>
/// A two-component normal mixture's constants as vectors, and for four values the two components' standard scores
/// zₖ and terms aₖ = cₖ - ½zₖ², with the larger term and the gap min - max clamped at -700 (below which e^gap no
/// longer changes 1 + e^gap, and Exp stays off its slow out-of-range path; a zero weight, -∞, clamps too). Shared by
/// the forward and backward passes of <see cref="NormalMixtureLogDensity"/> so both see the same terms.
/// </summary>
internal readonly struct TwoNormalTerms
{
    private readonly Vector256<double> loc0, loc1, inverse0, inverse1, constant0, constant1;

    /// <summary>From the two components' means, inverse scales 1/σₖ and constant parts cₖ.</summary>
    public TwoNormalTerms(ReadOnlySpan<double> loc, ReadOnlySpan<double> inverseScale, ReadOnlySpan<double> constant)
    {
        loc0 = Vector256.Create(loc[0]);
        loc1 = Vector256.Create(loc[1]);
        inverse0 = Vector256.Create(inverseScale[0]);
        inverse1 = Vector256.Create(inverseScale[1]);
        constant0 = Vector256.Create(constant[0]);
        constant1 = Vector256.Create(constant[1]);
    }

    /// <summary>1/σ₀ as a vector.</summary>
    public Vector256<double> Inverse0 => inverse0;

    /// <summary>1/σ₁ as a vector.</summary>
    public Vector256<double> Inverse1 => inverse1;

    /// <summary>The scores and terms of four values, the larger term, and the clamped gap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (Vector256<double> Z0, Vector256<double> Z1, Vector256<double> A0, Vector256<double> A1, Vector256<double> Max, Vector256<double> Gap) Of(Vector256<double> x)
    {
        var z0 = Normal.StandardScore(x, loc0, inverse0);
        var z1 = Normal.StandardScore(x, loc1, inverse1);
        var a0 = Normal.LogDensityOfScore(z0, constant0);
        var a1 = Normal.LogDensityOfScore(z1, constant1);
        var max = Vector256.MaxNative(a0, a1);
        // A constant, not a static field: a static's class-initialisation check inside a caller's loop kept that loop's
        // values on the stack.
        return (z0, z1, a0, a1, max, Vector256.MaxNative(Vector256.MinNative(a0, a1) - max, Vector256.Create(-700.0)));
    }
}
