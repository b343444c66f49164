using System.Runtime.CompilerServices;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The log-density of a K-component univariate normal mixture, log Σₖ wₖ N(x; μₖ, σₖ²), as one fused, vectorised
/// pass (no [n, K] intermediates) and as a differentiable op. Each term is aₖ = log wₖ - log σₖ - ½ log 2π - ½zₖ²
/// with zₖ = (x - μₖ)/σₖ, combined as m + log Σₖ exp(aₖ - m), m = maxₖ aₖ, so it neither overflows nor underflows
/// far in the tails; a zero weight (log w = -∞) contributes nothing.
/// </summary>
internal static class NormalMixtureLogDensity
{
    /// <summary>
    /// The differentiable op: <paramref name="x"/> of any shape against components given as vectors of length K
    /// (<paramref name="logWeights"/> normalised); the result has x's shape.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor logWeights, Tensor loc, Tensor scale)
    {
        // 1/σₖ and the constant part of each term, once for the forward pass and the backward pass.
        var (inv, c) = Constants(logWeights.Data, scale.Data);
        var y = TensorPool.Rent(x.Length);
        bool parameters = Tensor.Tracks(logWeights) || Tensor.Tracks(loc) || Tensor.Tracks(scale);

        // Two components differentiated in x only (a fit's target): the forward pass keeps e = exp(min - max) of each
        // value, which the backward pass needs too, so the gradient costs no exponential.
        var exponentials = !parameters && Tensor.Tracks(x) && loc.Length == 2 && Vector256.IsHardwareAccelerated
            ? TensorPool.Rent(x.Length - (x.Length % Vector256<double>.Count))
            : null;
        ForwardCore(x.Data, loc.Data, inv, c, y, exponentials);
        var result = new Tensor(y, x.ShapeArray);
        if (!Tensor.Tracks(x) && !parameters)
        {
            return result;
        }

        return Tensor.Record(result, [x, logWeights, loc, scale], g =>
        {
            var gx = x.RequiresGrad ? GradientPass.Rent(x.Length) : null;
            if (!parameters && gx is not null)
            {
                GradientOfValue(x.Data, loc.Data, inv, c, y, exponentials, g.Data, gx);
                return [new Tensor(gx, x.ShapeArray), null, null, null];
            }

            int k = loc.Length;
            double[] gw = new double[k], gm = new double[k], gs = new double[k];
            Gradients(x.Data, loc.Data, inv, c, y, g.Data, gx, gw, gm, gs);
            return [
                gx is null ? null : new Tensor(gx, x.ShapeArray),
                logWeights.RequiresGrad ? new Tensor(gw, logWeights.ShapeArray) : null,
                loc.RequiresGrad ? new Tensor(gm, loc.ShapeArray) : null,
                scale.RequiresGrad ? new Tensor(gs, scale.ShapeArray) : null];
        });
    }

    /// <summary>y[i] = log Σₖ wₖ N(x[i]; μₖ, σₖ²) for every i (the fused forward pass).</summary>
    public static void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> logWeights, ReadOnlySpan<double> loc, ReadOnlySpan<double> scale, Span<double> y)
    {
        var (inv, c) = Constants(logWeights, scale);
        ForwardCore(x, loc, inv, c, y, default);
    }

    /// <summary>
    /// The forward pass given 1/σₖ and the constant parts cₖ; for two components, non-empty
    /// <paramref name="exponentials"/> (one per value of the four-value groups) receives exp(min - max) of each value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardCore(ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> inv, ReadOnlySpan<double> c, Span<double> y, Span<double> exponentials)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<double>.Count)
        {
            i = loc.Length == 2 ? ForwardTwoVectorised(x, loc, inv, c, y, exponentials) : ForwardVectorised(x, loc, inv, c, y);
        }

        for (; i < x.Length; i++)
        {
            y[i] = ScalarLogSum(x[i], loc, inv, c);
        }
    }

    /// <summary>∂y/∂x times the upstream gradient: g · Σₖ rₖ (μₖ - x)/σₖ², with responsibilities rₖ = exp(aₖ - y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientOfValue(
        ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> inv, ReadOnlySpan<double> c, ReadOnlySpan<double> y, double[]? exponentials, ReadOnlySpan<double> g, Span<double> gx)
    {
        int k = loc.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && k == 2 && exponentials is not null)
        {
            i = GradientOfValueTwo(x, loc, inv, c, exponentials, g, gx);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var minusInfinity = Vector256.Create(double.NegativeInfinity);

            // A responsibility below e^-700 is as good as zero; the clamp keeps Exp off its slow out-of-range path.
            var floor = Vector256.Create(-700.0);
            for (; i <= x.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var xv = Vector256.Create(x.Slice(i, Vector256<double>.Count));
                var yv = Vector256.Create(y.Slice(i, Vector256<double>.Count));
                var sum = Vector256<double>.Zero;
                for (int j = 0; j < k; j++)
                {
                    var z = Normal.StandardScore(xv, Vector256.Create(loc[j]), Vector256.Create(inv[j]));
                    var r = Vector256.Exp(Vector256.MaxNative(Normal.LogDensityOfScore(z, Vector256.Create(c[j])) - yv, floor));
                    sum -= r * z * inv[j];
                }

                // Where the density is zero (x = ±∞) the responsibilities are undefined: no gradient there.
                sum = Vector256.ConditionalSelect(Vector256.Equals(yv, minusInfinity), Vector256<double>.Zero, sum);
                (sum * Vector256.Create(g.Slice(i, Vector256<double>.Count))).CopyTo(gx.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            double sum = 0;
            if (!double.IsNegativeInfinity(y[i]))
            {
                for (int j = 0; j < k; j++)
                {
                    double z = Normal.StandardScore(x[i], loc[j], inv[j]);
                    sum -= Math.Exp(Normal.LogDensityOfScore(z, c[j]) - y[i]) * z * inv[j];
                }
            }

            gx[i] = g[i] * sum;
        }
    }

    /// <summary>
    /// <see cref="GradientOfValue"/> for two components with no exponential: with e = exp(min - max) of the two terms,
    /// kept by the forward pass (<paramref name="exponentials"/>), the responsibilities are 1/(1 + e) for the larger
    /// term and e/(1 + e) for the other (exp(aₖ - y) with y = max + log(1 + e), as in
    /// <see cref="ForwardTwoVectorised"/>). Returns how many values it did (a multiple of four); the scalar loop does
    /// the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int GradientOfValueTwo(
        ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> inv, ReadOnlySpan<double> c, ReadOnlySpan<double> exponentials, ReadOnlySpan<double> g, Span<double> gx)
    {
        var two = new TwoNormalTerms(loc, inv, c);
        var minusInfinity = Vector256.Create(double.NegativeInfinity);
        int i = 0;
        for (; i <= exponentials.Length - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            var (z0, z1, a0, a1, max, _) = two.Of(Vector256.Create(x.Slice(i, Vector256<double>.Count)));
            var e = Vector256.Create(exponentials.Slice(i, Vector256<double>.Count));
            var larger = Vector256<double>.One / (Vector256<double>.One + e);
            var first = Vector256.GreaterThanOrEqual(a0, a1);
            var r0 = Vector256.ConditionalSelect(first, larger, e * larger);
            var r1 = Vector256.ConditionalSelect(first, e * larger, larger);
            var sum = -((r0 * z0 * two.Inverse0) + (r1 * z1 * two.Inverse1));

            // Where the density is zero (x = ±∞) the responsibilities are undefined: no gradient there.
            sum = Vector256.ConditionalSelect(Vector256.Equals(max, minusInfinity), Vector256<double>.Zero, sum);
            (sum * Vector256.Create(g.Slice(i, Vector256<double>.Count))).CopyTo(gx.Slice(i));
        }

        return i;
    }

    /// <summary>
    /// All gradients, by the scalar loop: with rₖ = exp(aₖ - y) and zₖ = (x - μₖ)/σₖ, ∂y/∂x = -Σₖ rₖ zₖ/σₖ,
    /// ∂y/∂log wₖ = rₖ, ∂y/∂μₖ = rₖ zₖ/σₖ, ∂y/∂σₖ = rₖ (zₖ² - 1)/σₖ.
    /// </summary>
    private static void Gradients(
        ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> inv, ReadOnlySpan<double> c,
        ReadOnlySpan<double> y, ReadOnlySpan<double> g, Span<double> gx, Span<double> gw, Span<double> gm, Span<double> gs)
    {
        int k = loc.Length;
        int i = Vector256.IsHardwareAccelerated ? GradientsVectorised(x, loc, inv, c, y, g, gx, gw, gm, gs) : 0;
        for (; i < x.Length; i++)
        {
            double sum = 0;
            if (!double.IsNegativeInfinity(y[i]))
            {
                for (int j = 0; j < k; j++)
                {
                    double z = Normal.StandardScore(x[i], loc[j], inv[j]);
                    double r = g[i] * Math.Exp(Normal.LogDensityOfScore(z, c[j]) - y[i]);
                    sum -= r * z * inv[j];
                    gw[j] += r;
                    gm[j] += r * z * inv[j];
                    gs[j] += r * ((z * z) - 1) * inv[j];
                }
            }

            if (!gx.IsEmpty)
            {
                gx[i] = sum; // r already carries the upstream gradient
            }
        }
    }

    /// <summary>
    /// The vector part of <see cref="Gradients"/>, four values at a time: the same formulas, with each component's
    /// three parameter sums kept per lane and added up lane by lane at the end (a fixed order, so the same bits on every
    /// run); responsibilities below e^-700 are taken as 0 (Exp stays off its slow path, and a zero weight's are exactly
    /// 0), and values of zero density (y = -∞) contribute nothing. Returns how many values it did (a multiple of four).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int GradientsVectorised(
        ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> inv, ReadOnlySpan<double> c,
        ReadOnlySpan<double> y, ReadOnlySpan<double> g, Span<double> gx, Span<double> gw, Span<double> gm, Span<double> gs)
    {
        int k = loc.Length;
        Span<Vector256<double>> sums = k <= 32 ? stackalloc Vector256<double>[3 * k] : new Vector256<double>[3 * k];
        sums.Clear();
        var minusInfinity = Vector256.Create(double.NegativeInfinity);
        var floor = Vector256.Create(-700.0);
        var one = Vector256<double>.One;
        int i = 0;
        for (; i <= x.Length - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            var yv = Vector256.Create(y.Slice(i, Vector256<double>.Count));
            var live = ~Vector256.Equals(yv, minusInfinity);
            var xv = Vector256.Create(x.Slice(i, Vector256<double>.Count));
            var gv = Vector256.ConditionalSelect(live, Vector256.Create(g.Slice(i, Vector256<double>.Count)), Vector256<double>.Zero);
            var sum = Vector256<double>.Zero;
            for (int j = 0; j < k; j++)
            {
                var inverse = Vector256.Create(inv[j]);
                var z = Vector256.ConditionalSelect(live, Normal.StandardScore(xv, Vector256.Create(loc[j]), inverse), Vector256<double>.Zero);
                var gap = Normal.LogDensityOfScore(z, Vector256.Create(c[j])) - yv;
                var r = gv * Vector256.ConditionalSelect(Vector256.LessThan(gap, floor), Vector256<double>.Zero, Vector256.Exp(Vector256.Max(gap, floor)));
                var pull = r * z * inverse;
                sum -= pull;
                sums[3 * j] += r;
                sums[(3 * j) + 1] += pull;
                sums[(3 * j) + 2] += r * ((z * z) - one) * inverse;
            }

            if (!gx.IsEmpty)
            {
                sum.CopyTo(gx.Slice(i));
            }
        }

        for (int j = 0; j < k; j++)
        {
            gw[j] += Vector256.Sum(sums[3 * j]);
            gm[j] += Vector256.Sum(sums[(3 * j) + 1]);
            gs[j] += Vector256.Sum(sums[(3 * j) + 2]);
        }

        return i;
    }

    /// <summary>1/σₖ and the constant part of aₖ, log wₖ - log σₖ - ½ log 2π.</summary>
    private static (double[] Inverse, double[] Constant) Constants(ReadOnlySpan<double> logWeights, ReadOnlySpan<double> scale)
    {
        double[] inv = new double[scale.Length], c = new double[scale.Length];
        for (int j = 0; j < scale.Length; j++)
        {
            inv[j] = 1 / scale[j];
            c[j] = logWeights[j] + Normal.LogNormalizer(scale[j]);
        }

        return (inv, c);
    }

    private static double ScalarLogSum(double x, ReadOnlySpan<double> loc, ReadOnlySpan<double> inv, ReadOnlySpan<double> c)
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < loc.Length; j++)
        {
            max = Math.Max(max, Term(x, loc[j], inv[j], c[j]));
        }

        if (double.IsNegativeInfinity(max))
        {
            return max;
        }

        double sum = 0;
        for (int j = 0; j < loc.Length; j++)
        {
            sum += Math.Exp(Term(x, loc[j], inv[j], c[j]) - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>One component's term log wₖ + log N(x; μₖ, σₖ²), by the normal kernel.</summary>
    private static double Term(double x, double loc, double inv, double c) => Normal.LogDensityOfScore(Normal.StandardScore(x, loc, inv), c);

    /// <summary>Values per block of the vectorised passes: the block's buffers stay in the L1 cache.</summary>
    private const int Block = 512;

    /// <summary>
    /// Two components: log(e^a + e^b) = max + log(1 + e^(min - max)), one exponential and at most one logarithm per
    /// value. Per block, one fused pass writes max and min - max and lists the four-value groups where log(1 + e) can
    /// change max (between separated components it cannot for most values), then log(1 + e) is added to those groups
    /// only (measured faster than the library's Exp over the whole block, which was faster than Exp inside the fused
    /// pass, and than a second pass testing every group).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ForwardTwoVectorised(ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> inv, ReadOnlySpan<double> c, Span<double> y, Span<double> exponentials)
    {
        // The gap min - max comes clamped at -700 (common: a far component's term is often below -745).
        var two = new TwoNormalTerms(loc, inv, c);
        var tiny = Vector256.Create(Math.Exp(-37));
        Span<double> gap = stackalloc double[Block];
        Span<int> pending = stackalloc int[(Block / Vector256<double>.Count) + 1];
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        ref double gr = ref MemoryMarshal.GetReference(gap);
        int vectorised = x.Length - (x.Length % Vector256<double>.Count);
        for (int start = 0; start < vectorised; start += Block)
        {
            int length = Math.Min(Block, vectorised - start);
            int count = MaxAndGap(two, ref Unsafe.Add(ref xr, start), ref Unsafe.Add(ref yr, start), ref gr, length, pending);
            bool keeps = !exponentials.IsEmpty;
            ref double er = ref keeps ? ref exponentials[start] : ref gr;
            if (keeps)
            {
                // Every group's exponential, for the backward pass; the pending groups below read theirs back.
                for (int i = 0; i < length; i += Vector256<double>.Count)
                {
                    Vector256.Exp(Vector256.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref er, (nuint)i);
                }
            }

            foreach (int i in pending[..count])
            {
                // log(1 + e) = e to the last bit once e ≤ e^-37 (the next term, e²/2, is below half an ulp of e):
                // the logarithm is skipped where all four lanes are that small.
                var e = keeps ? Vector256.LoadUnsafe(ref er, (nuint)i) : Vector256.Exp(Vector256.LoadUnsafe(ref gr, (nuint)i));
                var needsLog = Vector256.GreaterThan(e, tiny);
                var term = needsLog == Vector256<double>.Zero ? e : Vector256.ConditionalSelect(needsLog, Vector256.Log(Vector256<double>.One + e), e);
                (Vector256.LoadUnsafe(ref yr, (nuint)(start + i)) + term).StoreUnsafe(ref yr, (nuint)(start + i));
            }

            KeepNaN(x.Slice(start, length), y.Slice(start, length));
        }

        return vectorised;
    }

    /// <summary>
    /// The first pass of <see cref="ForwardTwoVectorised"/> over one block: the larger term into y, the clamped gap into
    /// gap, and into <paramref name="pending"/> the offsets of the four-value groups whose y log(1 + e^gap) may still
    /// change; returns how many. Where one component dominates in all four lanes, as it mostly does between separated
    /// components, it cannot: with gap &lt; -44 and |max| ≥ 2⁻¹⁰, e &lt; 7.8e-20 is below half an ulp of max (at least
    /// 2⁻⁶³ ≈ 1.08e-19), so max + log(1 + e) rounds to max, the value already stored. The offsets are appended without
    /// a branch (each written, the count advanced by its flag), and the method has no call in it, so the JIT keeps the
    /// loop in registers (inside the caller, whose second pass calls Exp and Log, its values lived on the stack).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MaxAndGap(in TwoNormalTerms two, ref double x, ref double y, ref double gap, int length, Span<int> pending)
    {
        var terms = two;
        var negligibleGap = Vector256.Create(-44.0);
        var smallestMax = Vector256.Create(1.0 / 1024);
        ref int next = ref MemoryMarshal.GetReference(pending);
        int count = 0;
        for (int i = 0; i < length; i += Vector256<double>.Count)
        {
            var (_, _, _, _, max, clampedGap) = terms.Of(Vector256.LoadUnsafe(ref x, (nuint)i));
            clampedGap.StoreUnsafe(ref gap, (nuint)i);
            max.StoreUnsafe(ref y, (nuint)i);
            var settled = Vector256.LessThan(clampedGap, negligibleGap) & Vector256.GreaterThanOrEqual(Vector256.Abs(max), smallestMax);
            Unsafe.Add(ref next, count) = i;
            count += (int)((~settled.ExtractMostSignificantBits() & 0xF) + 0xF) >> 4;
        }

        return count;
    }

    /// <summary>
    /// Any number of components, per block: a pass for the maximum, then for each component the shifted
    /// exponential added to a running sum, then one logarithm.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ForwardVectorised(ReadOnlySpan<double> x, ReadOnlySpan<double> loc, ReadOnlySpan<double> inv, ReadOnlySpan<double> c, Span<double> y)
    {
        var floor = Vector256.Create(-700.0);
        int k = loc.Length;
        Span<double> term = stackalloc double[Block];
        Span<double> sum = stackalloc double[Block];
        int vectorised = x.Length - (x.Length % Vector256<double>.Count);
        for (int start = 0; start < vectorised; start += Block)
        {
            int length = Math.Min(Block, vectorised - start);
            var xs = x.Slice(start, length);
            var ys = y.Slice(start, length);
            for (int i = 0; i < length; i += Vector256<double>.Count)
            {
                var xv = Vector256.Create(xs.Slice(i, Vector256<double>.Count));
                var max = Vector256.Create(double.NegativeInfinity);
                for (int j = 0; j < k; j++)
                {
                    var z = Normal.StandardScore(xv, Vector256.Create(loc[j]), Vector256.Create(inv[j]));
                    max = Vector256.MaxNative(max, Normal.LogDensityOfScore(z, Vector256.Create(c[j])));
                }

                max.CopyTo(ys.Slice(i));
            }

            sum[..length].Clear();
            for (int j = 0; j < k; j++)
            {
                var mj = Vector256.Create(loc[j]);
                var cj = Vector256.Create(c[j]);
                for (int i = 0; i < length; i += Vector256<double>.Count)
                {
                    var z = Normal.StandardScore(Vector256.Create(xs.Slice(i, Vector256<double>.Count)), mj, Vector256.Create(inv[j]));
                    Vector256.MaxNative(Normal.LogDensityOfScore(z, cj) - Vector256.Create(ys.Slice(i, Vector256<double>.Count)), floor).CopyTo(term.Slice(i));
                }

                TensorPrimitives.Exp(term[..length], term[..length]);
                TensorPrimitives.Add(sum[..length], term[..length], sum[..length]);
            }

            TensorPrimitives.Log(sum[..length], sum[..length]);
            TensorPrimitives.Add(ys, sum[..length], ys);
            KeepNaN(xs, ys);
        }

        return vectorised;
    }

    /// <summary>
    /// A NaN x must give NaN, which the native (non-IEEE) max and min used above do not guarantee. (x = ±∞ needs
    /// nothing: every term is -∞, the clamped gap adds a finite amount, and -∞ stays.)
    /// </summary>
    private static void KeepNaN(ReadOnlySpan<double> x, Span<double> y)
    {
        if (!TensorPrimitives.IsNaNAny(x))
        {
            return;
        }

        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNaN(x[i]))
            {
                y[i] = double.NaN;
            }
        }
    }
}
