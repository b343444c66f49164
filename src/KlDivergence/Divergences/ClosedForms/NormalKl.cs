using System.Runtime.Intrinsics;
using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Normal"/>.</summary>
internal static class NormalKl
{
    public static Tensor NormalNormal(Normal p, Normal q) => Elementwise(p.Loc, p.Scale, q.Loc, q.Scale);

    /// <summary>The univariate normal KL element by element over broadcast parameter tensors.</summary>
    /// <remarks>
    /// One kernel (<see cref="Vectorised"/>) gives the value whether or not a gradient is asked for, and its backward
    /// pass (<see cref="Gradient"/>) the partial derivatives, as one op of the autodiff engine.
    /// </remarks>
    public static Tensor Elementwise(Tensor loc1, Tensor scale1, Tensor loc2, Tensor scale2) => KlOp.Instance.Apply(loc1, scale1, loc2, scale2);

    /// <summary>The Normal-Normal KL as an op: <see cref="Vectorised"/> forward, <see cref="Gradient"/> backward.</summary>
    private sealed class KlOp() : CustomOp("normal-normal KL", 4)
    {
        public static readonly KlOp Instance = new();

        public override void Forward(in CustomOpBlock block, Span<double> output) =>
            Vectorised(block.Input(0), block.Input(1), block.Input(2), block.Input(3), output);

        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient) =>
            Gradient(block.Input(0), block.Input(1), block.Input(2), block.Input(3), outputGradient, block.Gradient(0), block.Gradient(1), block.Gradient(2), block.Gradient(3));
    }

    /// <summary>
    /// The partial derivatives of KL = ½d² + ½r² - ½ - log r (d = (μ₁ - μ₂)/σ₂, r = σ₁/σ₂) times g: ∂/∂μ₁ = d/σ₂ = -∂/∂μ₂,
    /// ∂/∂σ₁ = r/σ₂ - 1/σ₁ (finite where r underflows), ∂/∂σ₂ = (1 - d² - r²)/σ₂, into each non-empty span.
    /// </summary>
    internal static void Gradient(
        ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, ReadOnlySpan<double> g,
        Span<double> gLoc1, Span<double> gScale1, Span<double> gLoc2, Span<double> gScale2)
    {
        for (int i = 0; i < g.Length; i++)
        {
            double inv = 1 / scale2[i];
            double d = (loc1[i] - loc2[i]) * inv, r = scale1[i] * inv;
            if (!gLoc1.IsEmpty)
            {
                gLoc1[i] = g[i] * d * inv;
            }

            if (!gLoc2.IsEmpty)
            {
                gLoc2[i] = -(g[i] * d * inv);
            }

            if (!gScale1.IsEmpty)
            {
                gScale1[i] = g[i] * ((r * inv) - (1 / scale1[i]));
            }

            if (!gScale2.IsEmpty)
            {
                gScale2[i] = g[i] * (1 - (d * d) - (r * r)) * inv;
            }
        }
    }

    /// <summary>Below this |δ| the scale term h(δ) = δ - log1p(δ) comes from its series (see <see cref="Vectorised"/>).</summary>
    private const double SeriesLimit = 0.25;

    /// <summary>
    /// The same divergence for whole batches, four lanes at a time, with one logarithm per pair: a restatement of
    /// <see cref="NormalNormal{T}"/> for the common range, held equal to it by a parity test. With
    /// r = σ₁/σ₂, δ = r - 1 = (σ₁ - σ₂)/σ₂ and d = (μ₁ - μ₂)/σ₂: KL = ½d² + ½δ² + h(δ), h(δ) = δ - log r (expand
    /// ½(r² - 1) - log r at r = 1 + δ). For |δ| ≤ ¼, h comes from the atanh series log(1 + δ) = 2 atanh u,
    /// u = δ/(2 + δ) (Abramowitz &amp; Stegun 4.1.27), which with δ - 2u = uδ gives h = uδ - 2u³(1/3 + u²/5 + u⁴/7 + …):
    /// no cancellation, so nearly equal scales keep full relative accuracy; beyond, δ - log r loses at most a few bits.
    /// A lane whose ratio r is not a normal double (it underflowed, overflowed or 1/σ₂ did) or whose value is not
    /// finite (an overflowed location difference, or a truly infinite KL) is recomputed alone by the scalar formula,
    /// which works from log-scales; such lanes are rare, so the common path keeps its single logarithm.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Vectorised(ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, Span<double> result)
    {
        // Every element through the same four-lane code (the tail in padded lanes), and a lane the lanes cannot vouch
        // for through the scalar formula on its own: an element's value never depends on its neighbours.
        int count = Vector256<double>.Count;
        Span<double> pad = stackalloc double[4 * count];
        Span<double> padded = stackalloc double[count];
        for (int i = 0; i < result.Length; i += count)
        {
            int lanes = Math.Min(count, result.Length - i);
            Vector256<double> l1, s1, l2, s2;
            if (lanes == count)
            {
                (l1, s1, l2, s2) = (Vector256.Create(loc1.Slice(i, count)), Vector256.Create(scale1.Slice(i, count)), Vector256.Create(loc2.Slice(i, count)), Vector256.Create(scale2.Slice(i, count)));
            }
            else
            {
                pad.Fill(1.0);
                loc1.Slice(i, lanes).CopyTo(pad);
                scale1.Slice(i, lanes).CopyTo(pad[count..]);
                loc2.Slice(i, lanes).CopyTo(pad[(2 * count)..]);
                scale2.Slice(i, lanes).CopyTo(pad[(3 * count)..]);
                (l1, s1, l2, s2) = (Vector256.Create(pad[..count]), Vector256.Create(pad.Slice(count, count)), Vector256.Create(pad.Slice(2 * count, count)), Vector256.Create(pad.Slice(3 * count, count)));
            }

            var (value, ok) = Lanes(l1, s1, l2, s2);
            uint good = Vector256.ExtractMostSignificantBits(ok);
            value.CopyTo(padded);
            for (int k = 0; k < lanes; k++)
            {
                result[i + k] = (good & (1u << k)) != 0 ? padded[k] : NormalNormal<Real>(loc1[i + k], scale1[i + k], loc2[i + k], scale2[i + k]);
            }
        }
    }

    /// <summary>The four-lane formula of <see cref="Vectorised"/> and the lanes whose value it vouches for.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Value, Vector256<double> Ok) Lanes(Vector256<double> loc1, Vector256<double> s1, Vector256<double> loc2, Vector256<double> s2)
    {
        var one = Vector256<double>.One;
        var two = Vector256.Create(2.0);
        var half = Vector256.Create(0.5);
        var inv = one / s2;
        var delta = (s1 - s2) * inv;
        var ratio = s1 * inv;
        var d = (loc1 - loc2) * inv;

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
        var h = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Abs(delta), Vector256.Create(SeriesLimit)), near, far);
        var value = (half * ((d * d) + (delta * delta))) + h;
        var ok = Vector256.GreaterThanOrEqual(ratio, Vector256.Create(2.2250738585072014E-308)) & Vector256.LessThanOrEqual(Vector256.Abs(value), Vector256.Create(double.MaxValue));
        return (value, ok);
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
