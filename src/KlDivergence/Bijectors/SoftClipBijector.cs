using KlDivergence.Tensors;

namespace KlDivergence.Bijectors;

/// <summary>
/// A smooth approximation of clipping to [low, high], element-wise, that is close to the identity well inside
/// the interval. With the hinge softness c &gt; 0, the width w = high - low and the softened softplus
/// s_c(z) = c · softplus(z / c):
/// <code>
/// y = f(x) = high - (w / s_c(w)) · s_c(w - s_c(x - low))
/// </code>
/// The inner s_c(x - low) + low is a soft lower bound, high - s_c(high - ·) a soft upper bound, and the factor
/// w / s_c(w) shrinks the result so that f maps ℝ onto (low, high): f(-∞) = high - w = low and f(∞) = high.
/// </summary>
/// <remarks>
/// The formula is TensorFlow Probability's <c>tfp.bijectors.SoftClip</c> ("Mathematical Details",
/// https://www.tensorflow.org/probability/api_docs/python/tfp/bijectors/SoftClip):
/// softclip(x) = -softplus(high - low - softplus(x - low)) · (high - low) / softplus(high - low) + high,
/// with every softplus carrying the hinge softness. In floating point the output is clamped to [low, high]
/// (which only removes rounding excursions of an ulp); for |x| so large that the exponentials underflow the
/// output equals the bound exactly, as TFP documents ("outputs are always in the interval [low, high]").
/// <para>
/// Inverse: with t = (high - y) · s_c(w) / w, x = low + s_c⁻¹(w - s_c⁻¹(t)), where
/// s_c⁻¹(u) = c · softplus⁻¹(u / c) and softplus⁻¹(v) = v + log(-expm1(-v)).
/// </para>
/// <para>
/// log |dy/dx| = log(w / s_c(w)) + log σ((w - s_c(x - low)) / c) + log σ((x - low) / c), with
/// log σ(z) = -softplus(-z).
/// </para>
/// </remarks>
public sealed class SoftClipBijector : Bijector
{
    private readonly double width;
    private readonly double shrink;
    private readonly double logShrink;

    /// <summary>Creates the soft clip to (low, high).</summary>
    /// <param name="low">The lower bound (finite, below <paramref name="high"/>).</param>
    /// <param name="high">The upper bound (finite, above <paramref name="low"/>).</param>
    /// <param name="hingeSoftness">The softness c &gt; 0 of the hinges; outside values are mapped into bands of width ≈ c log 2 inside each bound.</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not finite, low ≥ high, or the softness is not positive and finite; the message names the values.</exception>
    public SoftClipBijector(double low, double high, double hingeSoftness = 1.0)
    {
        BijectorChecks.Finite(low, nameof(SoftClipBijector), nameof(low));
        BijectorChecks.Finite(high, nameof(SoftClipBijector), nameof(high));
        if (!(low < high))
        {
            throw new ArgumentOutOfRangeException(
                nameof(low),
                low,
                $"{nameof(SoftClipBijector)} needs low < high; got low = {BijectorChecks.Format(low)}, high = {BijectorChecks.Format(high)}.");
        }

        if (!(hingeSoftness > 0) || !double.IsFinite(hingeSoftness))
        {
            throw new ArgumentOutOfRangeException(
                nameof(hingeSoftness),
                hingeSoftness,
                $"{nameof(SoftClipBijector)} needs a positive, finite hingeSoftness; got hingeSoftness = {BijectorChecks.Format(hingeSoftness)}.");
        }

        Low = low;
        High = high;
        HingeSoftness = hingeSoftness;
        width = high - low;
        if (!double.IsFinite(width))
        {
            throw new ArgumentOutOfRangeException(
                nameof(high),
                high,
                $"{nameof(SoftClipBijector)} needs a finite width high - low; got low = {BijectorChecks.Format(low)}, high = {BijectorChecks.Format(high)}.");
        }

        double softWidth = hingeSoftness * ScalarMath.Softplus(width / hingeSoftness);
        shrink = width / softWidth;
        logShrink = Math.Log(width) - Math.Log(softWidth);
    }

    /// <summary>The lower bound.</summary>
    public double Low { get; }

    /// <summary>The upper bound.</summary>
    public double High { get; }

    /// <summary>The hinge softness c.</summary>
    public double HingeSoftness { get; }

    /// <inheritdoc/>
    public override string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SoftClip({Low}, {High}, {HingeSoftness})");

    /// <summary>y = high - (w / s_c(w)) · s_c(w - s_c(x - low)), clamped to [low, high] against rounding.</summary>
    /// <remarks>
    /// Below the midpoint the equivalent form y = low + (w / s_c(w)) · c · log1p(expm1(s / c) · σ((w - s) / c)),
    /// s = s_c(x - low), is used: it keeps full relative precision in y - low (the upper form would cancel),
    /// which matters when low = 0.
    /// </remarks>
    public override Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        double c = HingeSoftness;
        var shifted = x - Low;
        var inner = SoftplusC(shifted);
        var upper = High - (SoftplusC(width - inner) * shrink);

        // s_c(w) - s_c(w - s) = c · log1p(expm1(s/c) · σ((w - s)/c)); s is capped so the unused branch stays finite.
        var sCapped = TensorOps.Minimum(inner, 40 * c);
        var lower = Low + ((((sCapped / c).Expm1() * ((width - sCapped) / c).Sigmoid()).Log1p()) * (c * shrink));
        var useLower = TensorOps.LessThan(shifted, Math.Min(width / 2, 30 * c));
        return TensorOps.Where(useLower, lower, upper).Clamp(Low, High);
    }

    /// <summary>x = low + s_c⁻¹(w - s_c⁻¹((high - y) / (w / s_c(w)))), for low &lt; y &lt; high.</summary>
    /// <remarks>
    /// Below the midpoint the equivalent form s = -c · log1p(expm1(-δ / c) · (1 + e^(-w/c))), δ = (y - low) · s_c(w) / w,
    /// x = low + s_c⁻¹(s), is used, which does not cancel as y approaches low.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An entry of <paramref name="y"/> is outside (low, high).</exception>
    public override Tensor Inverse(Tensor y)
    {
        double low = Low, high = High, c = HingeSoftness;
        BijectorChecks.RequireAll(
            y,
            v => v > low && v < high,
            nameof(SoftClipBijector),
            $"low < y < high with low = {BijectorChecks.Format(low)}, high = {BijectorChecks.Format(high)}");
        var t = (high - y) / shrink;
        var u = width - SoftplusInverseC(t);
        var uSafe = TensorOps.Where(TensorOps.GreaterThan(u, 0), u, 1.0);
        var upper = SoftplusInverseC(uSafe);

        var delta = (y - low) / shrink;
        var s = -((-delta / c).Expm1() * (1 + Math.Exp(-width / c))).Log1p() * c;
        var sSafe = TensorOps.Where(TensorOps.GreaterThan(s, 0), s, 1.0);
        var lower = SoftplusInverseC(sSafe);

        var useLower = TensorOps.LessThan(y, low + (width / 2));
        return low + TensorOps.Where(useLower, lower, upper);
    }

    /// <summary>log |dy/dx| = log(w / s_c(w)) - softplus(-(w - s_c(x - low)) / c) - softplus(-(x - low) / c).</summary>
    public override Tensor ForwardLogDetJacobian(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        double c = HingeSoftness;
        var z = (x - Low) / c;
        var inner = z.Softplus() * c;
        return logShrink - ((inner - width) / c).Softplus() - (-z).Softplus();
    }

    /// <summary>s_c(z) = c · softplus(z / c).</summary>
    private Tensor SoftplusC(Tensor z) => HingeSoftness == 1.0 ? z.Softplus() : (z / HingeSoftness).Softplus() * HingeSoftness;

    /// <summary>s_c⁻¹(u) = c · softplus⁻¹(u / c), softplus⁻¹(v) = v + log(-expm1(-v)).</summary>
    private Tensor SoftplusInverseC(Tensor u)
    {
        double c = HingeSoftness;
        var v = c == 1.0 ? u : u / c;
        var r = v + (-(-v).Expm1()).Log();
        return c == 1.0 ? r : r * c;
    }
}
