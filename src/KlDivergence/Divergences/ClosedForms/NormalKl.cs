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
    /// The same divergence for whole batches, four lanes at a time, with one logarithm per pair. With
    /// δ = (σ₁ - σ₂)/σ₂ and d = (μ₁ - μ₂)/σ₂: KL = ½d² + ½δ² + h(δ), h(δ) = δ - log(1 + δ) (expand ½(r² - 1) - log r
    /// at r = 1 + δ). For |δ| ≤ ¼, h comes from the atanh series log(1 + δ) = 2 atanh u, u = δ/(2 + δ)
    /// (Abramowitz &amp; Stegun 4.1.27), which with δ - 2u = uδ gives h = uδ - 2u³(1/3 + u²/5 + u⁴/7 + …): no
    /// cancellation, so nearly equal scales keep full relative accuracy; beyond, δ - log r loses at most a few bits.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Vectorised(ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, Span<double> result)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<double>.One;
            var two = Vector256.Create(2.0);
            var half = Vector256.Create(0.5);
            var limit = Vector256.Create(SeriesLimit);
            for (; i <= result.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var s1 = Vector256.Create(scale1.Slice(i, Vector256<double>.Count));
                var s2 = Vector256.Create(scale2.Slice(i, Vector256<double>.Count));
                var inv = one / s2;
                var delta = (s1 - s2) * inv;
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
                var far = delta - Vector256.Log(s1 * inv);
                var h = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Abs(delta), limit), near, far);
                (half * ((d * d) + (delta * delta)) + h).CopyTo(result.Slice(i));
            }
        }

        for (; i < result.Length; i++)
        {
            result[i] = NormalNormal<Real>(loc1[i], scale1[i], loc2[i], scale2[i]);
        }
    }

    /// <summary>
    /// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½((μ₁ - μ₂)/σ₂)² + ½(r² - 1) - log r with r = σ₁/σ₂
    /// (e.g. Bishop, PRML, exercise 1.30). With ℓ = log r = log1p((σ₁ - σ₂)/σ₂) (exact difference when the scales
    /// are close) the scale terms are ½(e^{2ℓ} - 1 - 2ℓ), one cancellation-free function, so nearly equal scales
    /// lose no digits.
    /// </summary>
    private static T NormalNormal<T>(T loc1, T scale1, T loc2, T scale2)
        where T : IRealArithmetic<T>
    {
        T twiceLogRatio = T.Log1p((scale1 - scale2) / scale2) * 2.0;
        T scaledDifference = (loc1 - loc2) / scale2;
        return (T.Square(scaledDifference) + T.Expm1MinusX(twiceLogRatio)) * 0.5;
    }
}
