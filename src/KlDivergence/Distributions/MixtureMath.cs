using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// Moments and sampling helpers shared by <see cref="MixtureSameFamily"/> and <see cref="Mixture"/>. Component
/// quantities carry the component axis k just before the event axes: [...batch, K, ...event].
/// </summary>
internal static class MixtureMath
{
    /// <summary>E[X] = Σₖ wₖ μₖ; weights [..., K, 1 (× event rank)].</summary>
    public static Tensor Mean(Tensor weights, Tensor means, int eventRank) =>
        (weights * means).Sum(-(eventRank + 1));

    /// <summary>Var[X] = Σₖ wₖ (σₖ² + (μₖ - E[X])²), element-wise (law of total variance).</summary>
    public static Tensor Variance(Tensor weights, Tensor means, Tensor variances, int eventRank)
    {
        int axis = -(eventRank + 1);
        var mean = Mean(weights, means, eventRank);
        var centred = means - mean.Unsqueeze(axis);
        return (weights * (variances + centred.Square())).Sum(axis);
    }

    /// <summary>Cov[X] = Σₖ wₖ (Σₖ + (μₖ - E[X])(μₖ - E[X])ᵀ); weights [..., K], means [..., K, d], covariances [..., K, d, d].</summary>
    public static Tensor Covariance(Tensor weights, Tensor means, Tensor covariances)
    {
        var w = weights.Unsqueeze(-1);
        var mean = (w * means).Sum(-2);
        var centred = means - mean.Unsqueeze(-2);
        var outer = centred.Unsqueeze(-1) * centred.Unsqueeze(-2);
        return (w.Unsqueeze(-1) * (covariances + outer)).Sum(-3);
    }

    /// <summary>
    /// log p(x) = logsumexp_k(aₖ + log wₖ) over the last axis of the component log-densities
    /// <paramref name="componentLogProb"/> [..., K], with one weight vector <paramref name="logWeights"/> [K], as one
    /// recorded op: m + log Σₖ e^(aₖ + log wₖ - m), m the row maximum (what <see cref="TensorOps.LogSumExp"/> computes
    /// on the sum), with the backward pass ∂/∂aₖ = g rₖ and ∂/∂log wₖ = Σ g rₖ through the responsibilities
    /// rₖ = e^(aₖ + log wₖ - log p(x)) kept from the forward pass. Any other weight shape goes the general way.
    /// </summary>
    /// <remarks>
    /// Why: the general form is a broadcast sum and a log-sum-exp, two graph nodes with [..., K] intermediates and
    /// gradients; here the component axis is reduced in one pass and the responsibilities are computed once.
    /// A row whose terms are all -∞ (no component has density there) gives -∞ with zero responsibilities, as the
    /// general form does; a +∞ or NaN maximum is the answer itself.
    /// </remarks>
    public static Tensor WeightedLogSumExp(Tensor componentLogProb, Tensor logWeights)
    {
        ArgumentNullException.ThrowIfNull(componentLogProb);
        ArgumentNullException.ThrowIfNull(logWeights);
        int k = componentLogProb.Rank == 0 ? 0 : componentLogProb.ShapeArray[^1];
        if (k == 0 || logWeights.Length != k || logWeights.Rank > componentLogProb.Rank)
        {
            return (componentLogProb + logWeights).LogSumExp(-1);
        }

        int rows = componentLogProb.Length / k;
        var responsibilities = TensorPool.Rent(componentLogProb.Length);
        var y = TensorPool.Rent(rows);
        WeightedLogSumExpForward(componentLogProb.Data, logWeights.Data, k, responsibilities, y);
        var result = new Tensor(y, componentLogProb.ShapeArray[..^1]);
        if (!Tensor.Tracks(componentLogProb) && !Tensor.Tracks(logWeights))
        {
            return result;
        }

        return Tensor.Record(result, [componentLogProb, logWeights], g =>
        {
            double[]? ga = componentLogProb.RequiresGrad ? GradientPass.Rent(responsibilities.Length) : null;
            double[]? gw = logWeights.RequiresGrad ? new double[k] : null;
            WeightedLogSumExpBackward(g.Data, responsibilities, k, ga, gw);
            return [
                ga is null ? null : new Tensor(ga, componentLogProb.ShapeArray),
                gw is null ? null : new Tensor(gw, logWeights.ShapeArray)];
        });
    }

    /// <summary>
    /// The backward pass of <see cref="WeightedLogSumExp"/>: ∂/∂aₖ = g rₖ per row into <paramref name="ga"/> (when
    /// given) and ∂/∂log wₖ = Σ g rₖ added into <paramref name="gw"/> (when given, zeroed by the caller; the rows in
    /// order, so the sum's bits do not depend on how the work is laid out).
    /// </summary>
    internal static void WeightedLogSumExpBackward(double[] g, double[] responsibilities, int k, double[]? ga, double[]? gw)
    {
        int rows = responsibilities.Length / k;
        if (gw is not null)
        {
            for (int i = 0; i < rows; i++)
            {
                double gi = g[i];
                for (int j = 0; j < k; j++)
                {
                    double v = gi * responsibilities[(i * k) + j];
                    gw[j] += v;
                    if (ga is not null)
                    {
                        ga[(i * k) + j] = v;
                    }
                }
            }

            return;
        }

        if (ga is null)
        {
            return;
        }

        int start = 0;
        if (k == 2 && Vector256.IsHardwareAccelerated)
        {
            // Two rows per vector: [g₀, g₀, g₁, g₁] times the rows' responsibilities (the same products as below).
            for (; start + 2 <= rows; start += 2)
            {
                var gv = Vector256.Create(g[start], g[start], g[start + 1], g[start + 1]);
                (gv * Vector256.Create(responsibilities, 2 * start)).CopyTo(ga, 2 * start);
            }
        }

        for (int i = start; i < rows; i++)
        {
            double gi = g[i];
            for (int j = 0; j < k; j++)
            {
                ga[(i * k) + j] = gi * responsibilities[(i * k) + j];
            }
        }
    }

    /// <summary>
    /// The forward pass of <see cref="WeightedLogSumExp"/>: y per row, and each row's responsibilities into
    /// <paramref name="responsibilities"/> (both [rows, K] row-major, as <paramref name="a"/>).
    /// </summary>
    /// <remarks>
    /// Four rows at a time, one row per vector lane, so the work vectorises across points whatever K is (a mixture
    /// row is short). Each lane runs the same operations as the general <see cref="TensorOps.LogSumExp"/> on a + log w
    /// (sₖ = aₖ + log wₖ, m = maxₖ sₖ, Σₖ e^(sₖ - m) in order of k, m + log Σ), with Vector256's Exp and Log, each
    /// lane's bits a function of that lane alone (see <see cref="TermExp"/>); a last partial block is redone overlapping
    /// the one before (or padded when there are fewer than four rows), so a row's bits do not depend on where it sits,
    /// its neighbours or how many rows there are.
    /// </remarks>
    internal static void WeightedLogSumExpForward(double[] a, double[] logWeights, int k, double[] responsibilities, double[] y)
    {
        int rows = y.Length;
        if (rows == 0)
        {
            return;
        }

        // Rows of fewer than four: through a zero-padded copy of four rows.
        if (rows < 4)
        {
            var pool = System.Buffers.ArrayPool<double>.Shared;
            double[] pa = pool.Rent(4 * k), pr = pool.Rent(4 * k), py = pool.Rent(4);
            try
            {
                Array.Clear(pa, 0, 4 * k);
                Array.Copy(a, pa, rows * k);
                WeightedLogSumExpBlocks(pa, logWeights, k, 4, pr, py);
                Array.Copy(pr, responsibilities, rows * k);
                Array.Copy(py, y, rows);
            }
            finally
            {
                pool.Return(pa);
                pool.Return(pr);
                pool.Return(py);
            }

            return;
        }

        WeightedLogSumExpBlocks(a, logWeights, k, rows, responsibilities, y);
    }

    /// <summary>
    /// <see cref="WeightedLogSumExpForward"/> for at least four rows; <c>general</c> runs two components through the
    /// general lanes too (a test compares the two paths).
    /// </summary>
    internal static void WeightedLogSumExpBlocks(double[] a, double[] logWeights, int k, int rows, double[] responsibilities, double[] y, bool general = false)
    {
        // The weighted terms and responsibilities of one block, component by component (on the stack for usual K).
        Span<Vector256<double>> terms = k <= 64 ? stackalloc Vector256<double>[k] : new Vector256<double>[k];
        bool pairs = k == 2 && Avx2.IsSupported && !general;
        var w0 = Vector256.Create(logWeights[0]);
        var w1 = Vector256.Create(logWeights[k > 1 ? 1 : 0]);
        for (int i = 0; ; i += 4)
        {
            // The last block overlaps the one before: it reads only a and writes the same values again.
            if (i > rows - 4)
            {
                if (i == rows)
                {
                    break;
                }

                i = rows - 4;
            }

            int o = i * k;
            if (pairs)
            {
                // K = 2: the two components of rows i..i+3 from two loads, lanes in row order 0, 2, 1, 3.
                var lo = Vector256.Create(a, o);
                var hi = Vector256.Create(a, o + 4);
                var lse = WeightedLogSumExpPairLanes(Avx.UnpackLow(lo, hi) + w0, Avx.UnpackHigh(lo, hi) + w1, out var r0, out var r1);
                Avx.UnpackLow(r0, r1).CopyTo(responsibilities, o);
                Avx.UnpackHigh(r0, r1).CopyTo(responsibilities, o + 4);
                Avx2.Permute4x64(lse, 0b11_01_10_00).CopyTo(y, i);
                continue;
            }

            for (int j = 0; j < k; j++)
            {
                terms[j] = Vector256.Create(a[o + j], a[o + k + j], a[o + (2 * k) + j], a[o + (3 * k) + j]) + Vector256.Create(logWeights[j]);
            }

            WeightedLogSumExpLanes(terms).CopyTo(y, i);
            for (int j = 0; j < k; j++)
            {
                var r = terms[j];
                responsibilities[o + j] = r.GetElement(0);
                responsibilities[o + k + j] = r.GetElement(1);
                responsibilities[o + (2 * k) + j] = r.GetElement(2);
                responsibilities[o + (3 * k) + j] = r.GetElement(3);
            }
        }
    }

    /// <summary>
    /// e^(s - m) per lane for the gaps <paramref name="gap"/> = s - m, each lane's bits a function of its own gap alone:
    /// where m is finite (the gap is at most 0, or -∞) Vector256's Exp, except below -700, where it would go to
    /// Math.Exp for the whole vector (and so change its neighbours' bits): there Math.Exp for that lane only. Where m is
    /// not finite, what e^(s - m) is: 0 for a -∞ m (no density) or a -∞ gap, else NaN (∞ - ∞, or a NaN m).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TermExp(Vector256<double> gap, Vector256<double> finite, Vector256<double> noDensity)
    {
        var x = Vector256.ConditionalSelect(finite, gap, Vector256<double>.Zero);
        var far = Vector256.LessThan(x, Vector256.Create(-700.0));
        Vector256<double> e;
        if (far == Vector256<double>.Zero)
        {
            e = Vector256.Exp(x);
        }
        else
        {
            e = Vector256.Exp(Vector256.ConditionalSelect(far, Vector256<double>.Zero, x));
            for (int lane = 0; lane < Vector256<double>.Count; lane++)
            {
                if (x.GetElement(lane) < -700)
                {
                    e = e.WithElement(lane, Math.Exp(x.GetElement(lane)));
                }
            }
        }

        var zero = noDensity | Vector256.Equals(gap, Vector256.Create(double.NegativeInfinity));
        return Vector256.ConditionalSelect(finite, e, Vector256.ConditionalSelect(zero, Vector256<double>.Zero, Vector256.Create(double.NaN)));
    }

    /// <summary>
    /// <see cref="WeightedLogSumExpLanes"/> for two components, bit for bit: the larger term's e^(s - m) is e^0 = 1
    /// exactly when m is finite, so one exponential per row, of the smaller term's gap (a tie gives e^0 too).
    /// A parity test holds the two paths equal, special values included.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> WeightedLogSumExpPairLanes(Vector256<double> s0, Vector256<double> s1, out Vector256<double> r0, out Vector256<double> r1)
    {
        // The maximum as the general lanes take it (s₁ wins when larger or NaN, unless s₀ is NaN).
        var take = (Vector256.GreaterThan(s1, s0) | ~Vector256.Equals(s1, s1)) & Vector256.Equals(s0, s0);
        var m = Vector256.ConditionalSelect(take, s1, s0);
        var other = Vector256.ConditionalSelect(take, s0, s1);
        var noDensity = Vector256.Equals(m, Vector256.Create(double.NegativeInfinity));
        var finite = Vector256.Equals(m - m, Vector256<double>.Zero);
        var e = TermExp(other - m, finite, noDensity);

        // The maximum's own term, TermExp(m - m): 1 for a finite m (e^0), 0 for -∞, NaN (m - m) for +∞ or NaN.
        var top = Vector256.ConditionalSelect(finite, Vector256<double>.One, Vector256.ConditionalSelect(noDensity, Vector256<double>.Zero, m - m));
        var e0 = Vector256.ConditionalSelect(take, e, top);
        var e1 = Vector256.ConditionalSelect(take, top, e);
        var sum = e0 + e1;
        var inverse = Vector256.ConditionalSelect(finite, Vector256<double>.One / sum, Vector256<double>.One);
        r0 = e0 * inverse;
        r1 = e1 * inverse;
        return Vector256.ConditionalSelect(finite, m + Vector256.Log(sum), m); // Log's lanes are independent
    }

    /// <summary>
    /// The log-sum-exp of four rows, one per lane, from their weighted terms sₖ = aₖ + log wₖ; on return
    /// <paramref name="terms"/> holds the responsibilities e^(sₖ - m) / Σ. The maximum lets NaN win (as the general
    /// kernel's does); a -∞ maximum (no component has density) gives -∞ and zero responsibilities; a +∞ or NaN one is
    /// the answer itself, with e^(sₖ - m) as the general kernel's gradient has them (0 for finite terms, NaN for infinite).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> WeightedLogSumExpLanes(Span<Vector256<double>> terms)
    {
        var m = terms[0];
        for (int j = 1; j < terms.Length; j++)
        {
            var s = terms[j];
            var take = (Vector256.GreaterThan(s, m) | ~Vector256.Equals(s, s)) & Vector256.Equals(m, m);
            m = Vector256.ConditionalSelect(take, s, m);
        }

        // m - m is 0 exactly when m is finite.
        var noDensity = Vector256.Equals(m, Vector256.Create(double.NegativeInfinity));
        var finite = Vector256.Equals(m - m, Vector256<double>.Zero);
        var sum = Vector256<double>.Zero;
        for (int j = 0; j < terms.Length; j++)
        {
            var e = TermExp(terms[j] - m, finite, noDensity);
            terms[j] = e;
            sum += e;
        }

        var inverse = Vector256.ConditionalSelect(finite, Vector256<double>.One / sum, Vector256<double>.One);
        for (int j = 0; j < terms.Length; j++)
        {
            terms[j] *= inverse;
        }

        return Vector256.ConditionalSelect(finite, m + Vector256.Log(sum), m); // Log's lanes are independent
    }

    /// <summary>
    /// From samples of every component, [count, ...batch, K, ...event] (as a flat layout), keeps the one chosen by
    /// <paramref name="indices"/> [count, ...batch] for each draw.
    /// </summary>
    public static Tensor Pick(Tensor all, Tensor indices, int componentCount, int eventSize, int[] resultShape)
    {
        var source = all.Values;
        var chosen = indices.Values;
        var result = new double[chosen.Length * eventSize];
        for (int i = 0; i < chosen.Length; i++)
        {
            int k = (int)chosen[i];
            source.Slice(((i * componentCount) + k) * eventSize, eventSize).CopyTo(result.AsSpan(i * eventSize, eventSize));
        }

        return new Tensor(result, resultShape);
    }

    /// <summary>The union of the components' supports: the least lower and greatest upper bound over the component axis.</summary>
    public static Support MergeSupport(Support support, int[] componentBatchShape)
    {
        if (support.Lower.Rank == 0 && support.Upper.Rank == 0)
        {
            return support;
        }

        using var scope = Tensor.NoGrad();
        var lower = -(-support.Lower.BroadcastTo(componentBatchShape)).Max(-1);
        var upper = support.Upper.BroadcastTo(componentBatchShape).Max(-1);
        return new Support(support.IsDiscrete, lower, upper, support.Name);
    }

    /// <summary>
    /// A mixture's profile from its components', counting only components with positive weight in each batch element
    /// (a zero-weight component puts no mass anywhere): the least lower and greatest upper bound, and on each side the
    /// smallest decay exponent (log Σ wₖ qₖ ≤ maxₖ log qₖ, so the slowest decay bounds the mixture's) and the smallest
    /// moment index (E_p|X|^r = Σ wₖ E_pₖ|X|^r diverges as soon as one term does). The measure is kept when all
    /// components share it, else unknown. Entropy stays finite: H(Σ wₖ pₖ) lies between Σ wₖ H(pₖ) and that plus H(w).
    /// </summary>
    /// <param name="parts">The component profiles (none null).</param>
    /// <param name="batchShape">The mixture's batch shape.</param>
    /// <param name="count">The number of components K.</param>
    /// <param name="weights">The weights per element and component, index i·K + k.</param>
    /// <param name="gather">Gathers a field of the components into an array indexed i·K + k, or null when a component lacks it.</param>
    public static TailProfile Profile(IReadOnlyList<TailProfile> parts, int[] batchShape, int count, double[] weights, Func<Func<TailProfile, Tensor?>, double[]?> gather)
    {
        var measure = parts.All(p => p.Measure == parts[0].Measure) ? parts[0].Measure : ReferenceMeasure.Unknown;
        int n = Shapes.Size(batchShape);

        Tensor? Reduce(Func<TailProfile, Tensor?> field, bool max)
        {
            var values = gather(field);
            if (values is null)
            {
                return null;
            }

            var result = new double[n];
            for (int i = 0; i < n; i++)
            {
                double best = max ? double.NegativeInfinity : double.PositiveInfinity;
                for (int k = 0; k < count; k++)
                {
                    if (weights[(i * count) + k] > 0)
                    {
                        double v = values[(i * count) + k];
                        best = max ? Math.Max(best, v) : Math.Min(best, v);
                    }
                }

                result[i] = best;
            }

            return new Tensor(result, batchShape);
        }

        Tail? Side(Func<TailProfile, Tail?> side)
        {
            if (parts.Any(p => side(p) is null))
            {
                return null;
            }

            var decay = Reduce(p => side(p)!.DecayExponent, max: false)!;
            var moments = Reduce(p => side(p)!.MomentIndex, max: false)!;
            return new Tail(decay, moments, "mixture of: " + string.Join("; ", parts.Select(p => side(p)!.Description).Distinct()));
        }

        using var scope = Tensor.NoGrad();
        return new TailProfile(
            measure,
            Reduce(p => p.Lower, max: false),
            Reduce(p => p.Upper, max: true),
            Side(p => p.Left),
            Side(p => p.Right),
            parts.All(p => p.IsDensityBounded));
    }
}
