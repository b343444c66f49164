using System.Runtime.Intrinsics;
using KlDivergence.Distributions;
using KlDivergence.Tensors;
using static KlDivergence.Divergences.ClosedForms.ParameterLanes;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Normal"/>.</summary>
internal static class NormalKl
{
    public static Tensor NormalNormal(Normal p, Normal q)
    {
        if (p.Numbers is { } a && q.Numbers is { } b)
        {
            // Both built from numbers: nothing to record and no tensor to read.
            double value = 0;
            Vectorised(new ReadOnlySpan<double>(in a.Loc), new ReadOnlySpan<double>(in a.Scale), new ReadOnlySpan<double>(in b.Loc), new ReadOnlySpan<double>(in b.Scale), new Span<double>(ref value));
            return new Tensor([value], []);
        }

        var (loc1, scale1, loc2, scale2) = (p.Loc, p.Scale, q.Loc, q.Scale);
        if (loc1.Length == 1 && scale1.Length == 1 && loc2.Length == 1 && scale2.Length == 1
            && !Tensor.Tracks(loc1) && !Tensor.Tracks(scale1) && !Tensor.Tracks(loc2) && !Tensor.Tracks(scale2))
        {
            // One pair and nothing to record (two distributions built from numbers): the same kernel, so the same
            // bits, without the op's broadcasting machinery, which costs more than the formula here.
            double value = 0;
            Vectorised(loc1.Data, scale1.Data, loc2.Data, scale2.Data, new Span<double>(ref value));
            return new Tensor([value], Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray));
        }

        return Elementwise(loc1, scale1, loc2, scale2);
    }

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
            Vectorised(Narrow(block, 0), Narrow(block, 1), Narrow(block, 2), Narrow(block, 3), output);

        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient) =>
            Gradient(Narrow(block, 0), Narrow(block, 1), Narrow(block, 2), Narrow(block, 3), outputGradient, block.Gradient(0), block.Gradient(1), block.Gradient(2), block.Gradient(3));

        /// <summary>
        /// Two blocks and up on the cores: the forward kernel spends about 2 ns an element (a division and a 17-term
        /// series per lane), so W7's [256, 32] batch took 14-17 µs on one core, where waking a worker costs about 1 µs.
        /// </summary>
        public override int ParallelThreshold => 2 * BlockSize;

        /// <summary>Every input goes through <see cref="Narrow"/>: a uniform one is read from its first element only.</summary>
        internal override bool ReadsUniformInputOnce(int k) => true;

        /// <summary>A uniform input (the N(0, 1) prior of a VAE) as its one value: the kernels broadcast it in registers and divide by it once.</summary>
        private static ReadOnlySpan<double> Narrow(in CustomOpBlock block, int k) => block.IsUniform(k) ? block.Input(k)[..1] : block.Input(k);
    }

    /// <summary>
    /// The partial derivatives of KL = ½d² + ½r² - ½ - log r (d = (μ₁ - μ₂)/σ₂, r = σ₁/σ₂) times g into each non-empty
    /// span (of g's length; each input of g's length or a single value), at the machine's vector width and the rest
    /// one element at a time by the same formula (<see cref="Partials{T}"/>).
    /// </summary>
    internal static void Gradient(
        ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, ReadOnlySpan<double> g,
        Span<double> gLoc1, Span<double> gScale1, Span<double> gLoc2, Span<double> gScale2)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Gradient<WideLane512>(loc1, scale1, loc2, scale2, g, gLoc1, gScale1, gLoc2, gScale2);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Gradient<WideLane256>(loc1, scale1, loc2, scale2, g, gLoc1, gScale1, gLoc2, gScale2);
        }
        else
        {
            Gradient<WideLaneScalar>(loc1, scale1, loc2, scale2, g, gLoc1, gScale1, gLoc2, gScale2);
        }
    }

    /// <summary>Whole vectors of <typeparamref name="T"/>, then the remaining elements one at a time (not inlined: see <see cref="Vectorised{T}"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Gradient<T>(
        ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, ReadOnlySpan<double> g,
        Span<double> gLoc1, Span<double> gScale1, Span<double> gLoc2, Span<double> gScale2)
        where T : struct, IWideLane<T>
    {
        var sharedInverse = scale2.Length == 1 ? T.Create(1) / T.Create(scale2[0]) : default;
        int i = 0;
        if (gLoc2.IsEmpty && gScale2.IsEmpty)
        {
            // The second distribution fixed (a prior): its partials are never computed. The inlined Partials' unused
            // third term is dead code the JIT drops; the two stored are the same operations, so the same bits.
            for (; i <= g.Length - T.Count; i += T.Count)
            {
                var s2 = Read<T>(scale2, i);
                var (loc, sc1, _) = Partials(Read<T>(loc1, i), Read<T>(scale1, i), Read<T>(loc2, i), s2, scale2.Length == 1 ? sharedInverse : T.Create(1) / s2, T.Load(g[i..]));
                Store(loc, gLoc1, i);
                Store(sc1, gScale1, i);
            }
        }

        for (; i <= g.Length - T.Count; i += T.Count)
        {
            var s2 = Read<T>(scale2, i);
            var (loc, sc1, sc2) = Partials(Read<T>(loc1, i), Read<T>(scale1, i), Read<T>(loc2, i), s2, scale2.Length == 1 ? sharedInverse : T.Create(1) / s2, T.Load(g[i..]));
            Store(loc, gLoc1, i);
            Store(T.Create(0) - loc, gLoc2, i);
            Store(sc1, gScale1, i);
            Store(sc2, gScale2, i);
        }

        if (typeof(T) != typeof(WideLaneScalar) && i < g.Length)
        {
            Gradient<WideLaneScalar>(Rest(loc1, i), Rest(scale1, i), Rest(loc2, i), Rest(scale2, i), g[i..], Rest(gLoc1, i), Rest(gScale1, i), Rest(gLoc2, i), Rest(gScale2, i));
        }
    }

    /// <summary>
    /// g·∂KL/∂μ₁ = g·d/σ₂ (= -g·∂KL/∂μ₂), g·∂KL/∂σ₁ = g·(r/σ₂ - 1/σ₁) (finite where r underflows) and
    /// g·∂KL/∂σ₂ = g·(1 - d² - r²)/σ₂ with <paramref name="inverse"/> = 1/σ₂: the one statement of the gradient.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static (T Loc1, T Scale1, T Scale2) Partials<T>(T loc1, T scale1, T loc2, T scale2, T inverse, T g)
        where T : ILane<T>
    {
        var one = T.Create(1);
        var d = (loc1 - loc2) * inverse;
        var r = scale1 * inverse;
        return (g * d * inverse, g * ((r * inverse) - (one / scale1)), g * (one - (d * d) - (r * r)) * inverse);
    }

    /// <summary>
    /// The same divergence for whole batches at the machine's vector width, with no call to a logarithm: a
    /// restatement of <see cref="NormalNormal{T}"/> for the common range, held equal to it by a parity test. With
    /// r = σ₁/σ₂, δ = r - 1 = (σ₁ - σ₂)/σ₂ and d = (μ₁ - μ₂)/σ₂: KL = ½d² + ½δ² + h(δ), h(δ) = δ - log r (expand
    /// ½(r² - 1) - log r at r = 1 + δ). Write r = 2^e·m with m in [√½, √2) (from r's bits, as fdlibm's log does);
    /// the log of a number 1 + x near 1 is 2 atanh u = 2u + 2u³(1/3 + u²/5 + …) with u = x/(2 + x) (Abramowitz &amp;
    /// Stegun 4.1.27), |u| ≤ 0.1716 here. For e = 0 (r in [√½, √2)) x = δ and, with δ - 2u = uδ,
    /// h = uδ - 2u³(1/3 + …): no cancellation, so nearly equal scales keep full relative accuracy. Otherwise
    /// x = m - 1 and h = δ - (e·log 2 + log m), which loses at most a few bits (|δ| &gt; 0.29 there).
    /// A lane whose ratio r is not a normal double (it underflowed, overflowed or 1/σ₂ did) or whose value is not
    /// finite (an overflowed location difference, or a truly infinite KL) is recomputed alone by the scalar formula,
    /// which works from log-scales; such lanes are rare. Every width gives the same bits (see <see cref="IWideLane{TSelf}"/>).
    /// Each input has the result's length or is a single value.
    /// </summary>
    internal static void Vectorised(ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, Span<double> result)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vectorised<WideLane512>(loc1, scale1, loc2, scale2, result);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vectorised<WideLane256>(loc1, scale1, loc2, scale2, result);
        }
        else
        {
            Vectorised<WideLaneScalar>(loc1, scale1, loc2, scale2, result);
        }
    }

    /// <summary>
    /// Whole vectors of <typeparamref name="T"/>, then the remaining elements one at a time by the same formula (the
    /// same bits). Not inlined: inlined into a caller, the JIT ran out of budget for the lane operators (8x slower).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Vectorised<T>(ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, Span<double> result)
        where T : struct, IWideLane<T>
    {
        // A lane the vector formula cannot vouch for goes through the scalar formula on its own: an element's value
        // never depends on its neighbours. 1/σ₂ is the same division whether shared or per lane: the same bits.
        int count = T.Count;
        uint all = (1u << count) - 1;
        var sharedInverse = scale2.Length == 1 ? T.Create(1) / T.Create(scale2[0]) : default;
        int i = 0;
        for (; i <= result.Length - count; i += count)
        {
            var s2 = Read<T>(scale2, i);
            var value = Lanes(Read<T>(loc1, i), Read<T>(scale1, i), Read<T>(loc2, i), s2, scale2.Length == 1 ? sharedInverse : T.Create(1) / s2, out uint good);

            // Stored by reference (the loop bound keeps it inside): a span store here was a call the JIT did not inline.
            value.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(result), (nuint)i);
            if (good != all)
            {
                Repair(loc1, scale1, loc2, scale2, result, i, count, good);
            }
        }

        if (typeof(T) != typeof(WideLaneScalar) && i < result.Length)
        {
            Vectorised<WideLaneScalar>(Rest(loc1, i), Rest(scale1, i), Rest(loc2, i), Rest(scale2, i), result[i..]);
        }
    }

    /// <summary>Recomputes by the scalar formula each of <paramref name="lanes"/> elements from <paramref name="at"/> whose bit in <paramref name="good"/> is clear.</summary>
    private static void Repair(ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, Span<double> result, int at, int lanes, uint good)
    {
        for (int k = 0; k < lanes; k++)
        {
            if ((good & (1u << k)) == 0)
            {
                result[at + k] = NormalNormal<Real>(At(loc1, at + k), At(scale1, at + k), At(loc2, at + k), At(scale2, at + k));
            }
        }
    }

    /// <summary>The vector formula of <see cref="Vectorised"/>, and the lanes whose value it vouches for.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static T Lanes<T>(T loc1, T s1, T loc2, T s2, T inv, out uint good)
        where T : struct, IWideLane<T>
    {
        var d = (loc1 - loc2) * inv;
        var value = (T.Create(0.5) * (d * d)) + ScaleRatio.TermLanes<T, ScaleRatio.Two>(s1, s2, inv, out uint scaleGood);
        good = scaleGood & T.NormalAndFinite(T.Create(1), value);
        return value;
    }

    /// <summary>
    /// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½((μ₁ - μ₂)/σ₂)² + ½(r² - 1) - log r with r = σ₁/σ₂
    /// (e.g. Bishop, PRML, exercise 1.30). The scale terms come from <see cref="ScaleRatio.Term{T}"/>: δ²/2 + (δ - log r)
    /// with δ = (σ₁ - σ₂)/σ₂ and δ - log r from the series of atanh for ½ ≤ r ≤ 2 (no cancellation), r itself where it
    /// is a double, and e^{2ℓ} - 1 - 2ℓ with ℓ = log σ₁ - log σ₂ where the ratio underflows or overflows (finite down
    /// to r = 1e-600, +∞ only where ½r² truly overflows). The location term halves both locations before subtracting, so μ₁ - μ₂ cannot overflow
    /// where the scaled difference is finite: ½d² = 2(((μ₁/2) - (μ₂/2))/σ₂)², equal to the direct form for normal doubles.
    /// </summary>
    internal static T NormalNormal<T>(T loc1, T scale1, T loc2, T scale2)
        where T : IRealArithmetic<T>
    {
        T halfScaledDifference = ((loc1 * 0.5) - (loc2 * 0.5)) / scale2;
        return (T.Square(halfScaledDifference) * 2.0) + ScaleRatio.Term(scale1, scale2, 2);
    }
}
