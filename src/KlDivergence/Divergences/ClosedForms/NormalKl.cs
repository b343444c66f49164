using System.Runtime.Intrinsics;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Normal"/>.</summary>
internal static class NormalKl
{
    public static Tensor NormalNormal(Normal p, Normal q) => Elementwise(p.Loc, p.Scale, q.Loc, q.Scale);

    /// <summary>The univariate normal KL element by element over broadcast parameter tensors.</summary>
    public static Tensor Elementwise(Tensor loc1, Tensor scale1, Tensor loc2, Tensor scale2) =>
        ClosedFormEvaluator.Evaluate(loc1, scale1, loc2, scale2, NormalNormal<Real>, NormalNormal<Tensor>, Vectorised);

    /// <summary>Below this |δ| the scale term h(δ) = δ - log1p(δ) comes from its series (see <see cref="Vectorised"/>).</summary>
    private const double SeriesLimit = 0.25;

    /// <summary>
    /// The same divergence for whole batches, four lanes at a time, with one logarithm per pair: a restatement of
    /// <see cref="NormalNormal{T}"/> for the common range, held equal to it by a parity test. With
    /// r = σ₁/σ₂, δ = r - 1 = (σ₁ - σ₂)/σ₂ and d = (μ₁ - μ₂)/σ₂: KL = ½d² + ½δ² + h(δ), h(δ) = δ - log r (expand
    /// ½(r² - 1) - log r at r = 1 + δ). For |δ| ≤ ¼, h comes from the atanh series log(1 + δ) = 2 atanh u,
    /// u = δ/(2 + δ) (Abramowitz &amp; Stegun 4.1.27), which with δ - 2u = uδ gives h = uδ - 2u³(1/3 + u²/5 + u⁴/7 + …):
    /// no cancellation, so nearly equal scales keep full relative accuracy; beyond, δ - log r loses at most a few bits.
    /// A block in which a lane's ratio r is not a normal double (it underflowed, overflowed or 1/σ₂ did) or whose
    /// value is not finite (an overflowed location difference, or a truly infinite KL) is recomputed by the scalar
    /// formula, which works from log-scales; those blocks are rare, so the common path keeps its single logarithm.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Vectorised(ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, Span<double> result)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<double>.One;
            var two = Vector256.Create(2.0);
            var half = Vector256.Create(0.5);
            var limit = Vector256.Create(SeriesLimit);
            var minNormal = Vector256.Create(2.2250738585072014E-308);
            var max = Vector256.Create(double.MaxValue);
            for (; i <= result.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var s1 = Vector256.Create(scale1.Slice(i, Vector256<double>.Count));
                var s2 = Vector256.Create(scale2.Slice(i, Vector256<double>.Count));
                var inv = one / s2;
                var delta = (s1 - s2) * inv;
                var ratio = s1 * inv;
                var d = (Vector256.Create(loc1.Slice(i, Vector256<double>.Count)) - Vector256.Create(loc2.Slice(i, Vector256<double>.Count))) * inv;

                // 2u³ times the series 1/3 + u²/5 + … + u¹⁸/21 (|u| ≤ 1/7: the next term is below 1e-17 of the sum).
                var u = delta / (two + delta);
                var u2 = u * u;
                var series = Vector256.Create(1.0 / 21);
                series = (series * u2) + Vector256.Create(1.0 / 19);
                series = (series * u2) + Vector256.Create(1.0 / 17);
                series = (series * u2) + Vector256.Create(1.0 / 15);
                series = (series * u2) + Vector256.Create(1.0 / 13);
                series = (series * u2) + Vector256.Create(1.0 / 11);
                series = (series * u2) + Vector256.Create(1.0 / 9);
                series = (series * u2) + Vector256.Create(1.0 / 7);
                series = (series * u2) + Vector256.Create(1.0 / 5);
                series = (series * u2) + Vector256.Create(1.0 / 3);
                var near = (u * delta) - (two * u * u2 * series);
                var far = delta - Vector256.Log(ratio);
                var h = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Abs(delta), limit), near, far);
                var value = (half * ((d * d) + (delta * delta))) + h;
                var ok = Vector256.GreaterThanOrEqual(ratio, minNormal) & Vector256.LessThanOrEqual(Vector256.Abs(value), max);
                if (Vector256.ExtractMostSignificantBits(ok) == 0b1111)
                {
                    value.CopyTo(result.Slice(i));
                }
                else
                {
                    for (int k = i; k < i + Vector256<double>.Count; k++)
                    {
                        result[k] = NormalNormal<Real>(loc1[k], scale1[k], loc2[k], scale2[k]);
                    }
                }
            }
        }

        for (; i < result.Length; i++)
        {
            result[i] = NormalNormal<Real>(loc1[i], scale1[i], loc2[i], scale2[i]);
        }
    }

    /// <summary>
    /// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½((μ₁ - μ₂)/σ₂)² + ½(r² - 1) - log r with r = σ₁/σ₂
    /// (e.g. Bishop, PRML, exercise 1.30). The scale terms come from <see cref="ScaleRatio.Term{T}"/>: e^{2ℓ} - 1 - 2ℓ
    /// with ℓ = log1p((σ₁ - σ₂)/σ₂) for nearly equal scales (no cancellation), r itself where it is a double, and
    /// ℓ = log σ₁ - log σ₂ where the ratio underflows or overflows (finite down to r = 1e-600, +∞ only where ½r²
    /// truly overflows). The location term halves both locations before subtracting, so μ₁ - μ₂ cannot overflow
    /// where the scaled difference is finite: ½d² = 2(((μ₁/2) - (μ₂/2))/σ₂)², equal to the direct form for normal doubles.
    /// </summary>
    internal static T NormalNormal<T>(T loc1, T scale1, T loc2, T scale2)
        where T : IRealArithmetic<T>
    {
        T halfScaledDifference = ((loc1 * 0.5) - (loc2 * 0.5)) / scale2;
        return (T.Square(halfScaledDifference) * 2.0) + ScaleRatio.Term(scale1, scale2, 2);
    }
}
