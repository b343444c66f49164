using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using KlDivergence.Distributions;
using KlDivergence.Tensors;
using static KlDivergence.Divergences.ClosedForms.ParameterLanes;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Laplace"/> (as registered by PyTorch's kl.py).</summary>
internal static class LaplaceKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Laplace, Laplace>(LaplaceLaplace);
        registry.Register<Laplace, Normal>(LaplaceNormal);

        // The real line is not inside a half-line or an interval.
        registry.Register<Laplace, Beta>(KlTerms.Infinite);
        registry.Register<Laplace, ContinuousBernoulli>(KlTerms.Infinite);
        registry.Register<Laplace, Exponential>(KlTerms.Infinite);
        registry.Register<Laplace, Gamma>(KlTerms.Infinite);
        registry.Register<Laplace, Pareto>(KlTerms.Infinite);
        registry.Register<Laplace, Uniform>(KlTerms.Infinite);
    }

    /// <summary>
    /// KL = log(bq/bp) + d/bq + (bp/bq) e^{-d/bp} - 1 with d = |μp - μq|, from E_p|X - μq| = d + bp e^{-d/bp}
    /// (Gil et al. 2013; PyTorch _kl_laplace_laplace), as one op (<see cref="KlOp"/>): value and partial derivatives
    /// by vector kernels over the parameters, eight pairs at a time.
    /// </summary>
    public static Tensor LaplaceLaplace(Laplace p, Laplace q) => KlOp.Instance.Apply(p.Loc, p.Scale, q.Loc, q.Scale);

    /// <summary>The Laplace-Laplace KL as an op: <see cref="Forward{T}"/> and <see cref="Backward{T}"/>.</summary>
    private sealed class KlOp() : CustomOp("laplace-laplace KL", 4)
    {
        public static readonly KlOp Instance = new();

        /// <summary>Two blocks and up on the cores: an exponential and a logarithm per element, several nanoseconds each.</summary>
        public override int ParallelThreshold => 2 * BlockSize;

        public override void Forward(in CustomOpBlock block, Span<double> output)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                Forward<WideLane512>(Narrow(block, 0), Narrow(block, 1), Narrow(block, 2), Narrow(block, 3), output);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Forward<WideLane256>(Narrow(block, 0), Narrow(block, 1), Narrow(block, 2), Narrow(block, 3), output);
            }
            else
            {
                Forward<WideLaneScalar>(Narrow(block, 0), Narrow(block, 1), Narrow(block, 2), Narrow(block, 3), output);
            }
        }

        public override void Backward(in CustomOpBlock block, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                Backward<WideLane512>(Narrow(block, 0), Narrow(block, 1), Narrow(block, 2), Narrow(block, 3), outputGradient, block.Gradient(0), block.Gradient(1), block.Gradient(2), block.Gradient(3));
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Backward<WideLane256>(Narrow(block, 0), Narrow(block, 1), Narrow(block, 2), Narrow(block, 3), outputGradient, block.Gradient(0), block.Gradient(1), block.Gradient(2), block.Gradient(3));
            }
            else
            {
                Backward<WideLaneScalar>(Narrow(block, 0), Narrow(block, 1), Narrow(block, 2), Narrow(block, 3), outputGradient, block.Gradient(0), block.Gradient(1), block.Gradient(2), block.Gradient(3));
            }
        }

        /// <summary>Every input goes through <see cref="Narrow"/>: a uniform one is read from its first element only.</summary>
        internal override bool ReadsUniformInputOnce(int k) => true;

        /// <summary>A uniform input (a fixed Laplace(0, 1)) as its one value, held in every lane.</summary>
        private static ReadOnlySpan<double> Narrow(in CustomOpBlock block, int k) => block.IsUniform(k) ? block.Input(k)[..1] : block.Input(k);
    }

    /// <summary>Whole vectors of <typeparamref name="T"/>, then the rest one at a time by the same code; lanes the formula cannot vouch for are redone by <see cref="Repair"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Forward<T>(ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, Span<double> result)
        where T : struct, IWideLane<T>
    {
        uint all = (1u << T.Count) - 1;
        int i = 0;
        for (; i <= result.Length - T.Count; i += T.Count)
        {
            var s1 = Read<T>(scale1, i);
            var s2 = Read<T>(scale2, i);
            var inverse = T.Create(1) / s2;
            var scale = ScaleRatio.TermLanes<T, ScaleRatio.One>(s1, s2, inverse, out uint good);
            var value = scale + Location(Read<T>(loc1, i), s1, Read<T>(loc2, i), s2, s1 * inverse);
            value.StoreUnsafe(ref MemoryMarshal.GetReference(result), (nuint)i);
            good &= T.NormalAndFinite(T.Create(1), value);
            if (good != all)
            {
                for (int k = 0; k < T.Count; k++)
                {
                    if ((good & (1u << k)) == 0)
                    {
                        result[i + k] = Repair(At(loc1, i + k), At(scale1, i + k), At(loc2, i + k), At(scale2, i + k));
                    }
                }
            }
        }

        if (typeof(T) != typeof(WideLaneScalar) && i < result.Length)
        {
            Forward<WideLaneScalar>(Rest(loc1, i), Rest(scale1, i), Rest(loc2, i), Rest(scale2, i), result[i..]);
        }
    }

    /// <summary>
    /// The location part d/bq + r(e^{-x} - 1) with x = d/bp and r = bp/bq: r·(e^{-x} - 1 + x) for x ≤ 1, where the direct
    /// form cancels to first order (<see cref="ScalarMath.Expm1MinusXLanes"/>), directly beyond. Distances come from halved
    /// locations, so μp - μq cannot overflow where d/b is finite. Not inlined: with the scale term's series in the same
    /// method the JIT ran out of inlining budget and called the lane operators (3x slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Location<T>(T loc1, T scale1, T loc2, T scale2, T ratio)
        where T : struct, IWideLane<T>
    {
        var half = HalfDistance(loc1, loc2);
        var x = (half / scale1) * T.Create(2);
        var near = ratio * ScalarMath.Expm1MinusXLanes(T.Negate(x));
        var far = ((half / scale2) * T.Create(2)) + (ratio * (LaneMath.Exp(T.Negate(x)) - T.Create(1)));
        return T.Select(T.LessThan(T.Create(1), x), far, near);
    }

    /// <summary>|μp/2 - μq/2|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T HalfDistance<T>(T loc1, T loc2)
        where T : struct, IWideLane<T>
    {
        var half = (loc1 * T.Create(0.5)) - (loc2 * T.Create(0.5));
        return T.Select(T.LessThan(half, T.Create(0)), T.Negate(half), half);
    }

    /// <summary>
    /// A pair whose lanes failed (a scale ratio beyond the normal doubles, or a value that is not finite): the scale part by
    /// <see cref="ScaleRatio.Term(double, double, int)"/> (its scalar regimes), the location part with a stand-in ratio of 1
    /// where r overflows (the scale part is +∞ already; this keeps ∞ · 0 out).
    /// </summary>
    private static double Repair(double loc1, double scale1, double loc2, double scale2)
    {
        double ratio = scale1 / scale2;
        double safe = double.IsFinite(ratio) ? ratio : 1;
        return ScaleRatio.Term(scale1, scale2, 1) + Location(new WideLaneScalar(loc1), new WideLaneScalar(scale1), new WideLaneScalar(loc2), new WideLaneScalar(scale2), new WideLaneScalar(safe)).Value;
    }

    /// <summary>
    /// g times the partial derivatives of KL = -1 - log r + r e^{-x} + d/bq (x = d/bp, r = bp/bq) into each non-empty
    /// gradient span: ∂/∂μp = -∂/∂μq = sign(μp - μq)(1 - e^{-x})/bq (0 at μp = μq, as |·| has in PyTorch),
    /// ∂/∂bp = e^{-x}(1 + x)/bq - 1/bp and ∂/∂bq = (1 - r(e^{-x} + x))/bq.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Backward<T>(
        ReadOnlySpan<double> loc1, ReadOnlySpan<double> scale1, ReadOnlySpan<double> loc2, ReadOnlySpan<double> scale2, ReadOnlySpan<double> g,
        Span<double> gLoc1, Span<double> gScale1, Span<double> gLoc2, Span<double> gScale2)
        where T : struct, IWideLane<T>
    {
        var one = T.Create(1);
        var zero = T.Create(0);
        int i = 0;
        for (; i <= g.Length - T.Count; i += T.Count)
        {
            var l1 = Read<T>(loc1, i);
            var l2 = Read<T>(loc2, i);
            var s1 = Read<T>(scale1, i);
            var inverse = one / Read<T>(scale2, i);
            var gi = T.Load(g[i..]);
            var x = (HalfDistance(l1, l2) / s1) * T.Create(2);
            var e = LaneMath.Exp(T.Negate(x));
            var sign = T.Select(T.LessThan(l2, l1), one, T.Select(T.LessThan(l1, l2), T.Negate(one), zero));
            var loc = gi * sign * (one - e) * inverse;
            Store(loc, gLoc1, i);
            Store(T.Negate(loc), gLoc2, i);
            Store(gi * ((e * (one + x) * inverse) - (one / s1)), gScale1, i);
            Store(gi * (one - (s1 * inverse * (e + x))) * inverse, gScale2, i);
        }

        if (typeof(T) != typeof(WideLaneScalar) && i < g.Length)
        {
            Backward<WideLaneScalar>(Rest(loc1, i), Rest(scale1, i), Rest(loc2, i), Rest(scale2, i), g[i..], Rest(gLoc1, i), Rest(gScale1, i), Rest(gLoc2, i), Rest(gScale2, i));
        }
    }

    /// <summary>KL = -(1 + log 2b) + log σ + ½ log 2π + (2b² + (μp - μq)²)/(2σ²) (PyTorch _kl_laplace_normal).</summary>
    public static Tensor LaplaceNormal(Laplace p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);
}
