using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using KlDivergence.Diagnostics;
using KlDivergence.Distributions;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// Monte Carlo KL(p ‖ q) ≈ (1/n) Σ tᵢ with tᵢ = log p(xᵢ) - log q(xᵢ), xᵢ ~ p, with standard error s/√n and the
/// Pareto k-hat of the terms' tails, which says when s/√n means nothing. Gradients are pathwise when p can be
/// reparameterised and carry the score-function term when it cannot (see <see cref="ScoreFunctionTerm"/>).
/// </summary>
/// <remarks>
/// Why k-hat of the terms tᵢ themselves, not of e^tᵢ: the estimate is a plain mean of the tᵢ, not an
/// importance-weighted one, so what decides whether it converges at the 1/√n rate its standard error assumes is
/// whether the tᵢ have finite variance, i.e. the tail index of |tᵢ - median|, whose tail is that of the heavier of
/// the two tails of t. A generalized Pareto fit to it (Vehtari et al., PSIS, JMLR 2024) estimates that index. Above
/// 0.5 the variance is infinite; above 0.7 (PSIS's threshold) the pre-asymptotic error is too large to trust at any
/// practical n, so the result is flagged. KL(Cauchy ‖ Normal) is the textbook case: tᵢ ≈ xᵢ²/2 with xᵢ Cauchy has
/// tail index 2. Fitting each tail of t on its own and taking the larger k raises false alarms: where t(x) has a
/// local extremum its density piles up there, and when that pile-up sits at one tail's threshold (as for a Normal
/// against a two-component mixture) the exceedances look heavy-tailed although that side of t is bounded.
/// </remarks>
internal static class MonteCarloKl
{
    /// <summary>Samples per chunk when no gradient is needed: small enough to stay in cache.</summary>
    private const int ChunkSize = 4096;

    public static KlResult Estimate(Distribution p, Distribution q, int sampleCount, RandomStream random)
    {
        var estimate = Tensor.IsGradEnabled && NeedsGradient(p, q)
            ? EstimateWithGradient(p, q, sampleCount, random)
            : EstimateInChunks(p, q, sampleCount, random);
        return Finish(MarkUnnestedSupports(p, q, estimate), sampleCount);
    }

    /// <summary>
    /// The value, standard error (both batch-shaped), k-hat (batch-shaped, computed when called: see
    /// <see cref="DeferredTermLimit"/>), how gradients were obtained, and how many draws (coordinates, for a
    /// multivariate p) lay on the last representable value inside a finite bound of p's support: draws that
    /// underflowed and were clamped there.
    /// </summary>
    private readonly record struct Draft(Tensor Value, Tensor StandardError, Func<Tensor> ParetoK, KlGradientEstimator GradientEstimator, long EdgeDraws = 0);

    /// <summary>
    /// At most this many terms (n times the batch size) are copied into the result so that their k-hat is found only
    /// if it is read: a fit reads only the value, and the tail fit cost more than the rest of a 1000-draw step's
    /// estimate. Beyond it the terms are summarised (their tails kept) at once and only the fit waits.
    /// </summary>
    private const int DeferredTermLimit = 1 << 16;

    /// <summary>
    /// The result, flagged unreliable where a finite estimate's terms have k-hat above
    /// <see cref="ParetoSmoothing.ReliabilityThreshold"/> (an infinite value from a draw where q has no density, or
    /// from unnested supports, is exact and stays reliable). The flag, reason and k-hat are worked out when first read,
    /// from copies owned by the result.
    /// </summary>
    private static KlResult Finish(Draft draft, int n)
    {
        var values = draft.Value.Values.ToArray();
        long edgeDraws = draft.EdgeDraws;
        var paretoK = draft.ParetoK;
        return new KlResult(
            draft.Value,
            KlMethod.MonteCarlo,
            draft.StandardError,
            n,
            () => Reliability(values, paretoK(), edgeDraws, n),
            draft.GradientEstimator);
    }

    /// <summary>The flag and reason for <see cref="Finish"/> from the values, their k-hat and the clamped draws.</summary>
    private static KlReliability Reliability(double[] values, Tensor paretoK, long edgeDraws, int n)
    {
        double worst = double.NegativeInfinity;
        int worstAt = -1;
        var ks = paretoK.Values;
        for (int b = 0; b < ks.Length; b++)
        {
            if (double.IsFinite(values[b]) && !(ks[b] <= ParetoSmoothing.ReliabilityThreshold) && !(ks[b] <= worst))
            {
                worst = ks[b];
                worstAt = b;
            }
        }

        string? reason = null;
        if (edgeDraws > 0 && TensorPrimitives.IsFiniteAny(values))
        {
            // A sampler clamps a draw that underflowed to the nearest representable value inside the support (Gamma with
            // shape 0.001 does so for about half its draws): the clamped draws all share one log p - log q, so the mean
            // is biased by an amount neither the standard error nor k-hat can see.
            reason = string.Create(CultureInfo.InvariantCulture, $"{edgeDraws} of the draws of p underflowed double precision: they lie on the nearest representable value to a finite bound of p's support (where the sampler clamps them), so the estimate is biased by an unknown amount");
        }

        if (worstAt >= 0)
        {
            string kReason;
            string where = ks.Length == 1 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (batch element {worstAt})");
            kReason = double.IsPositiveInfinity(worst) && ParetoSmoothing.TailLength(n) < ParetoSmoothing.MinimumTailLength
                ? string.Create(CultureInfo.InvariantCulture, $"{n} draws are too few to estimate the Pareto k-hat of the per-draw terms log p - log q (at least 21 are needed), so the standard error cannot be vouched for")
                : string.Create(CultureInfo.InvariantCulture, $"Pareto k-hat {worst:G3} > {ParetoSmoothing.ReliabilityThreshold} for the per-draw terms log p - log q{where}: their variance is effectively infinite, so the estimate is unstable and its standard error meaningless");
            reason = reason is null ? kReason : reason + "; " + kReason;
        }

        return new KlReliability(reason is null, reason, paretoK);
    }

    /// <summary>
    /// For univariate pairs, +∞ wherever p's support bounds reach outside q's: the divergence is infinite even
    /// when no sample happened to land where q has no mass.
    /// </summary>
    private static Draft MarkUnnestedSupports(Distribution p, Distribution q, Draft estimate)
    {
        if (p.EventShapeArray.Length != 0 || q.EventShapeArray.Length != 0)
        {
            return estimate;
        }

        Tensor outside;
        using (Tensor.NoGrad())
        {
            outside = TensorOps.Maximum(
                TensorOps.LessThan(p.Support.Lower, q.Support.Lower),
                TensorOps.GreaterThan(p.Support.Upper, q.Support.Upper));
        }

        if (!outside.Values.Contains(1.0))
        {
            return estimate;
        }

        var value = TensorOps.Where(outside, double.PositiveInfinity, estimate.Value);
        var error = TensorOps.Where(outside, 0.0, estimate.StandardError);
        return estimate with { Value = value, StandardError = error };
    }

    /// <summary>
    /// The edges of p's support to watch for clamped draws: one bound for all values, or one per batch element of a
    /// univariate p (draws laid out [n, ...batch]); none when the bounds' shape matches neither.
    /// </summary>
    private static SupportEdgeCounter EdgesOf(Distribution p)
    {
        var support = p.Support;
        var lower = support.Lower;
        var upper = support.Upper;
        bool shared = lower.Length == 1 && upper.Length == 1;
        bool perElement = p.EventShapeArray.Length == 0
            && lower.ShapeArray.AsSpan().SequenceEqual(p.BatchShapeArray) && upper.ShapeArray.AsSpan().SequenceEqual(p.BatchShapeArray);
        return support.IsDiscrete || !(shared || perElement) ? SupportEdgeCounter.None : new SupportEdgeCounter(lower.Values, upper.Values);
    }

    /// <summary>
    /// With gradients: the same chunk streams and draws as <see cref="EstimateInChunks"/>, recorded; the value, standard
    /// error and k-hat come from the same chunk-ordered summaries, so tracking gradients never changes the number.
    /// </summary>
    private static Draft EstimateWithGradient(Distribution p, Distribution q, int n, RandomStream random)
    {
        bool reparameterized = p.HasReparameterizedSample;
        var root = random.Split();
        int chunks = TensorParallelism.ChunkCount(n, ChunkSize);
        var parts = new Tensor[chunks];
        for (int c = 0; c < chunks; c++)
        {
            int m = Math.Min(ChunkSize, n - (c * ChunkSize));
            var stream = root.Substream((ulong)c);
            parts[c] = reparameterized ? p.ReparameterizedSample(m, stream) : p.Sample(m, stream);
        }

        var x = chunks == 1 ? parts[0] : ShapeOps.Concat(0, parts);
        var logP = p.LogProb(x);
        var logQ = q.LogProb(x);
        if (reparameterized && Shapes.Equal(logP.ShapeArray, logQ.ShapeArray))
        {
            return PathwiseMean(p, x, logP, logQ, n);
        }

        var terms = Difference(logP, logQ);
        var mean = terms.Mean(0);
        var draft = Collect(terms.Values, n, mean.ShapeArray, KlGradientEstimator.Reparameterized);
        long edgeDraws = EdgesOf(p).Count(x.Values);
        var estimator = KlGradientEstimator.Reparameterized;
        if (!reparameterized && logP.RequiresGrad)
        {
            mean += ScoreFunctionTerm(terms, logP, n);
            estimator = KlGradientEstimator.ScoreFunction;
        }

        // A p that cannot be reparameterised but whose parameters need no gradient (only q's do): its draws do not
        // depend on the differentiated parameters, so the plain sample mean's gradient is already unbiased (pathwise).
        return draft with { Value = StraightThrough.Of(mean, draft.Value), GradientEstimator = estimator, EdgeDraws = edgeDraws };
    }

    /// <summary>
    /// The reparameterised case as one recorded op: the terms tᵢ = log p(xᵢ) - log q(xᵢ) are formed without a graph and
    /// summarised as <see cref="EstimateInChunks"/> does (chunk by chunk), and the estimate carries the gradient of
    /// (1/n) Σ tᵢ: g/n to each log p(xᵢ) and -g/n to each log q(xᵢ), none where both are -∞ (a term counted as 0).
    /// One node instead of a difference, a mean and a straight-through, so a fit's step records less.
    /// </summary>
    private static Draft PathwiseMean(Distribution p, Tensor x, Tensor logP, Tensor logQ, int n)
    {
        var lp = logP.Data;
        var lq = logQ.Data;
        Draft draft;
        if (lp.Length <= DeferredTermLimit)
        {
            // Fresh, and kept by the result for its k-hat (see Collect).
            var terms = GC.AllocateUninitializedArray<double>(lp.Length);
            Terms(lp, lq, terms);
            draft = Collect(terms, n, logP.ShapeArray[1..], KlGradientEstimator.Reparameterized, owned: terms);
        }
        else
        {
            var terms = TensorPool.Rent(lp.Length);
            try
            {
                Terms(lp, lq, terms);
                draft = Collect(terms.AsSpan(0, lp.Length), n, logP.ShapeArray[1..], KlGradientEstimator.Reparameterized);
            }
            finally
            {
                TensorPool.Return(terms);
            }
        }

        long edgeDraws = EdgesOf(p).Count(x.Values);
        var value = draft.Value;
        if (Tensor.Tracks(logP) || Tensor.Tracks(logQ))
        {
            value = Tensor.Record(value, [logP, logQ], g =>
            {
                // Taken from the backward pass's pool, which takes them back once they have been consumed.
                double[]? gp = logP.RequiresGrad ? GradientPass.Rent(lp.Length) : null;
                double[]? gq = logQ.RequiresGrad ? GradientPass.Rent(lq.Length) : null;
                MeanGradient(lp, lq, g.Data, n, gp, gq);
                return [
                    gp is null ? null : new Tensor(gp, logP.ShapeArray),
                    gq is null ? null : new Tensor(gq, logQ.ShapeArray)];
            });
        }

        return draft with { Value = value, EdgeDraws = edgeDraws };
    }

    /// <summary>
    /// terms = log p - log q ([n, ...batch]), with 0 (not NaN) where both are -∞: -∞ - -∞ only where p has no mass
    /// (as in <see cref="Difference"/>), and such draws contribute nothing. Four at a time; terms may be log p itself.
    /// </summary>
    private static void Terms(ReadOnlySpan<double> logP, ReadOnlySpan<double> logQ, Span<double> terms)
    {
        int i = 0, n = logP.Length;
        if (logQ.Length < n || terms.Length < n)
        {
            throw new ArgumentException($"Term spans: log p {n}, log q {logQ.Length}, terms {terms.Length}.");
        }

        var minusInfinity = Vector256.Create(double.NegativeInfinity);
        ref double p = ref MemoryMarshal.GetReference(logP);
        ref double q = ref MemoryMarshal.GetReference(logQ);
        ref double t = ref MemoryMarshal.GetReference(terms);
        for (; i <= n - 4; i += 4)
        {
            var lp = Vector256.LoadUnsafe(ref p, (nuint)i);
            var lq = Vector256.LoadUnsafe(ref q, (nuint)i);
            var neither = Vector256.Equals(lp, minusInfinity) & Vector256.Equals(lq, minusInfinity);
            Vector256.AndNot(lp - lq, neither).StoreUnsafe(ref t, (nuint)i);
        }

        for (; i < n; i++)
        {
            terms[i] = double.IsNegativeInfinity(logP[i]) && double.IsNegativeInfinity(logQ[i]) ? 0 : logP[i] - logQ[i];
        }
    }

    /// <summary>
    /// The gradient of the mean of the terms (laid out [n, batch]) for the upstream gradient g ([batch]): g/n to each
    /// log p and -g/n to each log q, none where both are -∞ (a term counted as 0). Either output may be null.
    /// </summary>
    private static void MeanGradient(double[] logP, double[] logQ, double[] g, int n, double[]? gp, double[]? gq)
    {
        int batch = g.Length, i = 0;
        if (batch == 1)
        {
            var share = Vector256.Create(g[0] / n);
            var minusInfinity = Vector256.Create(double.NegativeInfinity);
            for (; i <= logP.Length - 4; i += 4)
            {
                var neither = Vector256.Equals(Vector256.Create(logP.AsSpan(i, 4)), minusInfinity) & Vector256.Equals(Vector256.Create(logQ.AsSpan(i, 4)), minusInfinity);
                var gi = Vector256.AndNot(share, neither);
                if (gp is not null)
                {
                    gi.CopyTo(gp.AsSpan(i, 4));
                }

                if (gq is not null)
                {
                    (-gi).CopyTo(gq.AsSpan(i, 4));
                }
            }
        }

        for (; i < logP.Length; i++)
        {
            double gi = double.IsNegativeInfinity(logP[i]) && double.IsNegativeInfinity(logQ[i]) ? 0 : g[i % batch] / n;
            if (gp is not null)
            {
                gp[i] = gi;
            }

            if (gq is not null)
            {
                gq[i] = -gi;
            }
        }
    }

    /// <summary>
    /// The score-function (REINFORCE) term for a p with no reparameterised sampler: zero in value, and in gradient
    /// (1/n) Σ (tᵢ - bᵢ) ∇ log p(xᵢ), with the leave-one-out baseline bᵢ = (Σⱼ tⱼ - tᵢ)/(n - 1).
    /// </summary>
    /// <remarks>
    /// With KL(θ) = E_{p_θ}[f_θ(X)], f_θ = log p_θ - log q:
    /// ∇KL = ∫ ∇p_θ · f_θ + ∫ p_θ ∇f_θ = E_p[f ∇log p] + E_p[∇log p] - E_p[∇log q],
    /// using ∇p = p ∇log p. The middle term is ∇∫p = ∇1 = 0, and the last is zero for p's own parameters.
    /// Autodiff of mean(tᵢ) over draws that do not move with θ gives the sample mean of ∇log p(xᵢ) - ∇log q(xᵢ):
    /// unbiased for the last two terms (the first of them averages to 0 and only adds noise). The first term,
    /// the one a non-reparameterised sample silently drops, is what this term supplies: its gradient is
    /// (1/n) Σ stopgrad(tᵢ - bᵢ) ∇log p(xᵢ), written as stopgrad(tᵢ - bᵢ) · (log p(xᵢ) - stopgrad(log p(xᵢ))) so the
    /// value is exactly 0. The baseline is unbiased because bᵢ does not depend on xᵢ: E[bᵢ ∇log p(xᵢ)] = E[bᵢ]·0.
    /// It equals n/(n - 1) · (tᵢ - t̄), which removes most of the variance the constant part of tᵢ would add.
    /// </remarks>
    private static Tensor ScoreFunctionTerm(Tensor terms, Tensor logP, int n)
    {
        Tensor weights, score;
        using (Tensor.NoGrad())
        {
            var detached = terms.Detach();
            weights = (detached - detached.Mean(0)) * (n / (n - 1.0));
            if (!TensorPrimitives.IsFiniteAll(weights.Values))
            {
                // An infinite term makes the KL +∞ (its gradient means nothing); keep the value, not a NaN.
                weights = TensorOps.Where(Finite(weights), weights, 0.0);
            }
        }

        score = logP - logP.Detach();
        if (!TensorPrimitives.IsFiniteAll(logP.Values))
        {
            // -∞ - -∞ where a draw fell where p has no density (as in Difference): no score there.
            score = TensorOps.Where(Finite(logP.Detach()), score, 0.0);
        }

        return (weights * score).Mean(0);
    }

    /// <summary>Chunks computed at once (in parallel) before their terms are summarised in chunk order.</summary>
    private const int ChunksPerRound = 16;

    /// <summary>
    /// Without gradients: chunks of <see cref="ChunkSize"/> draws, chunk c drawn from the stream derived from a child
    /// of the caller's stream and c, its terms computed through the span paths (<see cref="Distribution.SampleInto"/>,
    /// <see cref="Distribution.LogProbInto"/>) on up to <see cref="TensorParallelism.MaxDegreeOfParallelism"/> cores,
    /// and summarised in chunk order: the same estimate for any number of workers.
    /// </summary>
    private static Draft EstimateInChunks(Distribution p, Distribution q, int n, RandomStream random)
    {
        var edges = EdgesOf(p);
        var root = random.Split();
        bool spans = Shapes.Equal(p.BatchShapeArray, q.BatchShapeArray) && Shapes.Equal(p.EventShapeArray, q.EventShapeArray);
        return spans && Shapes.Size(p.BatchShapeArray) == 1
            ? EstimateOneInShares(p, q, n, root, edges)
            : EstimateInRounds(p, q, n, root, edges, spans);
    }

    /// <summary>
    /// One summary (a univariate or single pair through the span paths), in one parallel loop: each worker draws its
    /// chunks' terms into its own buffer, takes each chunk's moments apart, and offers the terms to a summary of its own
    /// that keeps only the tails. The chunks' moments are merged in chunk order and the workers' tails in any order
    /// (the extremes of the whole are those of the parts' extremes), so the estimate, its standard error and k-hat are
    /// the same for any number of workers, and the calling thread merges a few thousand values, not every term.
    /// </summary>
    private static Draft EstimateOneInShares(Distribution p, Distribution q, int n, RandomStream root, SupportEdgeCounter edges)
    {
        int chunks = TensorParallelism.ChunkCount(n, ChunkSize);
        var moments = new RunningMoments[chunks];
        var shares = new List<Share>();
        TensorParallelism.For(
            chunks,
            () => new Share(new SampleSummary(n), TensorPool.Rent(ChunkSize)),
            (c, share) =>
            {
                int m = Math.Min(ChunkSize, n - (c * ChunkSize));
                (var terms, long edgeDraws) = ChunkBySpans(p, q, m, root.Substream((ulong)c), edges, share.Terms);
                var chunk = terms.AsSpan(0, m);
                moments[c].Add(chunk);
                share.Tails.OfferToTails(chunk);
                share.EdgeDraws += edgeDraws;
            },
            share =>
            {
                lock (shares)
                {
                    shares.Add(share);
                }
            });

        var summary = new SampleSummary(n);
        foreach (var chunk in moments)
        {
            summary.MergeMoments(chunk);
        }

        long edgeDrawsInAll = 0;
        foreach (var share in shares)
        {
            summary.TakeTails(share.Tails);
            edgeDrawsInAll += share.EdgeDraws;
            TensorPool.Return(share.Terms);
        }

        return Collect([summary], p.BatchShapeArray, KlGradientEstimator.None) with { EdgeDraws = edgeDrawsInAll };
    }

    /// <summary>One worker's part of <see cref="EstimateOneInShares"/>: its tails, its terms buffer and its clamped draws.</summary>
    private sealed class Share(SampleSummary tails, double[] terms)
    {
        public SampleSummary Tails { get; } = tails;

        public double[] Terms { get; } = terms;

        public long EdgeDraws { get; set; }
    }

    /// <summary>
    /// Batched pairs (or pairs the span paths cannot take): rounds of <see cref="ChunksPerRound"/> chunks computed in
    /// parallel, then each chunk's terms added to the batch elements' summaries in chunk order.
    /// </summary>
    private static Draft EstimateInRounds(Distribution p, Distribution q, int n, RandomStream root, SupportEdgeCounter edges, bool spans)
    {
        int chunks = TensorParallelism.ChunkCount(n, ChunkSize);
        SampleSummary[]? summaries = null;
        double[]? column = null;
        int[]? batchShape = spans ? p.BatchShapeArray : null;
        long edgeDraws = 0;
        var terms = new double[Math.Min(ChunksPerRound, chunks)][];
        var counts = new long[terms.Length];
        int length = ChunkSize * Shapes.Size(p.BatchShapeArray);
        if (spans)
        {
            // Reused from estimate to estimate: fresh pages cost far more to touch than the terms cost to compute.
            for (int r = 0; r < terms.Length; r++)
            {
                terms[r] = TensorPool.Rent(length);
            }
        }

        for (int first = 0; first < chunks; first += ChunksPerRound)
        {
            int round = Math.Min(ChunksPerRound, chunks - first);
            TensorParallelism.For(round, r =>
            {
                int c = first + r;
                int m = Math.Min(ChunkSize, n - (c * ChunkSize));
                var stream = root.Substream((ulong)c);
                (terms[r], counts[r]) = spans ? ChunkBySpans(p, q, m, stream, edges, terms[r]) : ChunkByTensors(p, q, m, stream, edges);
            });

            for (int r = 0; r < round; r++)
            {
                int m = Math.Min(ChunkSize, n - ((first + r) * ChunkSize));
                edgeDraws += counts[r];
                if (batchShape is null)
                {
                    using var scope = Tensor.NoGrad();
                    batchShape = Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray);
                }

                summaries ??= NewSummaries(Shapes.Size(batchShape), n);
                column ??= summaries.Length == 1 ? null : new double[ChunkSize];
                Accumulate(terms[r].AsSpan(0, m * summaries.Length), m, summaries, column);
            }
        }

        if (spans)
        {
            foreach (var buffer in terms)
            {
                TensorPool.Return(buffer);
            }
        }

        return Collect(summaries!, batchShape!, KlGradientEstimator.None) with { EdgeDraws = edgeDraws };
    }

    /// <summary>One chunk's terms log p - log q ([m, ...batch]) through the span paths, reusing <paramref name="reuse"/>.</summary>
    private static (double[] Terms, long EdgeDraws) ChunkBySpans(Distribution p, Distribution q, int m, RandomStream stream, SupportEdgeCounter edges, double[]? reuse)
    {
        int batch = Shapes.Size(p.BatchShapeArray), perDraw = batch * Shapes.Size(p.EventShapeArray);
        var x = ArrayPool<double>.Shared.Rent(m * perDraw);
        var logQ = ArrayPool<double>.Shared.Rent(m * batch);
        try
        {
            var xs = x.AsSpan(0, m * perDraw);
            var terms = reuse is not null && reuse.Length >= m * batch ? reuse : new double[ChunkSize * batch];
            var ps = terms.AsSpan(0, m * batch);
            var qs = logQ.AsSpan(0, m * batch);
            p.SampleInto(stream, xs);
            long edgeDraws = edges.Count(xs);
            p.LogProbInto(xs, ps);
            q.LogProbInto(xs, qs);
            Terms(ps, qs, ps);
            return (terms, edgeDraws);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(x);
            ArrayPool<double>.Shared.Return(logQ);
        }
    }

    /// <summary>One chunk's terms through the tensor path, for pairs whose batch shapes differ (q broadcasts p's draws).</summary>
    private static (double[] Terms, long EdgeDraws) ChunkByTensors(Distribution p, Distribution q, int m, RandomStream stream, SupportEdgeCounter edges)
    {
        using var scope = Tensor.NoGrad();
        var x = p.Sample(m, stream);
        var terms = Difference(p.LogProb(x), q.LogProb(x));
        return (terms.ToArray(), edges.Count(x.Values));
    }

    /// <summary>log p(x) - log q(x), with 0 (not NaN) where both are -∞: such draws cannot occur, but guard anyway.</summary>
    private static Tensor Difference(Tensor logP, Tensor logQ)
    {
        var diff = logP - logQ;
        return TensorPrimitives.IsNaNAny(diff.Values)
            ? TensorOps.Where(TensorOps.EqualTo(logP, double.NegativeInfinity), 0.0, diff)
            : diff;
    }

    private static SampleSummary[] NewSummaries(int batch, int n, bool keepTails = true)
    {
        var summaries = new SampleSummary[batch];
        for (int b = 0; b < batch; b++)
        {
            summaries[b] = new SampleSummary(n, keepTails);
        }

        return summaries;
    }

    /// <summary>Summaries of n rows of terms laid out [n, batch], taken in chunks of <see cref="ChunkSize"/> rows as the chunked estimate takes them.</summary>
    private static SampleSummary[] Summarise(ReadOnlySpan<double> terms, int n, bool keepTails)
    {
        var summaries = NewSummaries(terms.Length / n, n, keepTails);
        int batch = summaries.Length;
        var column = batch == 1 ? null : new double[ChunkSize];
        for (int start = 0; start < n; start += ChunkSize)
        {
            int m = Math.Min(ChunkSize, n - start);
            Accumulate(terms.Slice(start * batch, m * batch), m, summaries, column);
        }

        return summaries;
    }

    /// <summary>Adds m rows of terms laid out [m, batch] to each batch element's summary (gathering a column when batched).</summary>
    private static void Accumulate(ReadOnlySpan<double> terms, int m, SampleSummary[] summaries, double[]? column)
    {
        int batch = summaries.Length;
        if (batch == 1)
        {
            summaries[0].Add(terms[..m]);
            return;
        }

        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < m; i++)
            {
                column![i] = terms[(i * batch) + b];
            }

            summaries[b].Add(column.AsSpan(0, m));
        }
    }

    /// <summary>
    /// The draft from n rows of terms laid out [n, batch] (which may be pooled): the moments now, and k-hat when asked,
    /// from a copy of the terms up to <see cref="DeferredTermLimit"/> of them (or from <paramref name="owned"/>, an
    /// array the caller hands over whose start the terms are), else from tails kept now.
    /// </summary>
    private static Draft Collect(ReadOnlySpan<double> terms, int n, int[] batchShape, KlGradientEstimator estimator, double[]? owned = null)
    {
        if (terms.Length > DeferredTermLimit)
        {
            return Collect(Summarise(terms, n, keepTails: true), batchShape, estimator);
        }

        owned ??= terms.ToArray();
        var moments = Collect(Summarise(terms, n, keepTails: false), batchShape, estimator);
        return moments with { ParetoK = () => ParetoKOf(Summarise(owned, n, keepTails: true), batchShape) };
    }

    /// <summary>The draft from summaries (owned by it): the moments now, k-hat (the tail fits) when asked.</summary>
    private static Draft Collect(SampleSummary[] summaries, int[] batchShape, KlGradientEstimator estimator)
    {
        int batch = summaries.Length;
        double[] mean = new double[batch], se = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            mean[b] = summaries[b].Mean;
            se[b] = summaries[b].StandardError;
        }

        return new Draft(new Tensor(mean, batchShape), new Tensor(se, batchShape), () => ParetoKOf(summaries, batchShape), estimator);
    }

    private static Tensor ParetoKOf(SampleSummary[] summaries, int[] batchShape)
    {
        var k = new double[summaries.Length];
        for (int b = 0; b < k.Length; b++)
        {
            k[b] = summaries[b].ParetoK;
        }

        return new Tensor(k, batchShape);
    }

    private static Tensor Finite(Tensor x)
    {
        var flags = new double[x.Length];
        var v = x.Values;
        for (int i = 0; i < flags.Length; i++)
        {
            flags[i] = double.IsFinite(v[i]) ? 1 : 0;
        }

        return new Tensor(flags, x.ShapeArray);
    }

    /// <summary>
    /// True when the estimate depends on a tensor that requires gradients: found by evaluating one probe sample
    /// from a separate stream, so the caller's stream (and hence the estimate) does not depend on the answer.
    /// </summary>
    private static bool NeedsGradient(Distribution p, Distribution q)
    {
        var probeStream = new RandomStream(0UL);
        var x = p.HasReparameterizedSample ? p.ReparameterizedSample(1, probeStream) : p.Sample(1, probeStream);
        return x.RequiresGrad || p.LogProb(x).RequiresGrad || q.LogProb(x).RequiresGrad;
    }
}
