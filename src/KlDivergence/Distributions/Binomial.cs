using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The binomial distribution of successes in n trials: log P(k) = log C(n, k) + k log p + (n - k) log(1 - p), k = 0..n.
/// </summary>
public sealed class Binomial : Distribution
{
    /// <summary>Creates Binomial(totalCount, probs).</summary>
    /// <param name="totalCount">The number of trials n (a whole number in [0, 2⁵³]).</param>
    /// <param name="probs">The success probability p, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Binomial(Tensor totalCount, Tensor probs)
        : this(totalCount, nameof(probs), probs, BinaryProbabilities.FromProbs(probs, nameof(Binomial), nameof(probs)))
    {
    }

    private Binomial(Tensor totalCount, string paramName, Tensor parameter, BinaryProbabilities binary)
        : base(ParameterChecks.BroadcastParameters(nameof(Binomial), totalCount, nameof(totalCount), parameter, paramName), [])
    {
        TotalCount = CheckedCount(totalCount).Detach();
        Binary = binary;
        Support = new Support(true, 0.0, TotalCount.BroadcastTo(BatchShapeArray), "{0, ..., totalCount}");
    }

    /// <summary>
    /// Creates Binomial(totalCount, σ(logits)) from log-odds l = log p - log(1 - p), kept as given: log-probabilities
    /// k·(-softplus(-l)) + (n - k)·(-softplus(l)), KL and their gradients stay finite and exact for any finite l.
    /// </summary>
    /// <param name="totalCount">The number of trials n (a whole number in [0, 2⁵³]).</param>
    /// <param name="logits">The log-odds l (finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public static Binomial FromLogits(Tensor totalCount, Tensor logits) =>
        new(totalCount, nameof(logits), logits, BinaryProbabilities.FromLogits(logits, nameof(Binomial), nameof(logits)));

    /// <summary>The number of trials n (not differentiable).</summary>
    public Tensor TotalCount { get; }

    /// <summary>The success probability p (σ(l) when built from logits).</summary>
    public Tensor Probs => Binary.One;

    /// <summary>The log-odds log p - log(1 - p): as given by <see cref="FromLogits"/>, else computed (±∞ at p = 1 or 0).</summary>
    public Tensor Logits => Binary.Logits;

    /// <summary>True when built by <see cref="FromLogits"/> (the logits are the canonical parameter).</summary>
    public bool IsLogitParameterized => Binary.GivenLogits is not null;

    internal BinaryProbabilities Binary { get; }

    /// <summary>totalCount and the canonical parameter: logits when built from them, else probs.</summary>
    protected override IEnumerable<KeyValuePair<string, object?>> DisplayParameters() =>
    [
        new("totalCount", TotalCount),
        IsLogitParameterized ? new("logits", Logits) : new("probs", Probs),
    ];

    /// <summary>{0, 1, ..., n}.</summary>
    public override Support Support { get; }

    /// <summary>Counting measure on {0, ..., n}, tightened to where the mass is ({0} when p = 0, {n} when p = 1).</summary>
    public override TailProfile? Tails => new(ReferenceMeasure.Counting, FamilyHelpers.TightBound(Binary.SupportProbs, 1.0, TotalCount, 0.0), FamilyHelpers.TightBound(Binary.SupportProbs, 0.0, 0.0, TotalCount), Tail.Bounded, Tail.Bounded, true);

    /// <summary>np.</summary>
    public override Tensor Mean => (TotalCount * Probs).BroadcastTo(BatchShapeArray);

    /// <summary>np(1 - p).</summary>
    public override Tensor Variance => (TotalCount * Binary.One * Binary.Zero).BroadcastTo(BatchShapeArray);

    /// <summary>
    /// log C(n, k) + k log p + (n - k) log(1 - p) for whole 0 ≤ k ≤ n (0 log 0 = 0), else -∞. From n = 1000 on the
    /// value comes from Loader's saddle-point form (<see cref="SaddlePointPmf.LogBinomial"/>) and the gradient from the
    /// sum: at large n the sum's terms are of order n and cancel to a result of order 1 (at n = 10¹⁵, p = 10⁻¹⁵ it gave
    /// log P(1) = +0.46, a probability above 1, where the value is -1).
    /// </summary>
    public override Tensor LogProb(Tensor value)
    {
        // Every value a count no larger than the smallest n (the usual case): no mask to build and no selects.
        bool allInside = value.Length > 0 && TotalCount.Length > 0 && FamilyHelpers.AllCounts(value.Values)
            && System.Numerics.Tensors.TensorPrimitives.Max(value.Values) <= System.Numerics.Tensors.TensorPrimitives.Min(TotalCount.Values);
        var inside = allInside ? null : FamilyHelpers.WholeNumberMask(value, TotalCount);
        var k = inside is null ? value : TensorOps.Where(inside, value, 0.0);
        var logChoose = (TotalCount + 1.0).LogGamma() - (k + 1.0).LogGamma() - (TotalCount - k + 1.0).LogGamma();
        var logP = logChoose + FamilyHelpers.XTimesY(k, Binary.LogOne) + FamilyHelpers.XTimesY(TotalCount - k, Binary.LogZero);
        if (!(System.Numerics.Tensors.TensorPrimitives.Max(TotalCount.Values) < SaddlePointPmf.UsedFrom))
        {
            // Only where some count reaches the saddle-point range: below it the sum is the value, with no extra pass.
            logP = StraightThrough.Of(logP, SaddlePointLogProb(k, logP));
        }

        return inside is null ? logP : TensorOps.Where(inside, logP, double.NegativeInfinity);
    }

    /// <summary>
    /// log P(k) by <see cref="SaddlePointPmf.LogBinomial"/> element by element over <paramref name="sum"/>'s shape,
    /// reflected (k → n - k, p → 1 - p from the exact complement this family keeps) where p &gt; ½, as that form asks.
    /// Below n = <see cref="SaddlePointPmf.UsedFrom"/> the sum is kept (it is accurate there, and cheaper). Where p or
    /// 1 - p is below 1e-280 (at extreme logits it underflows to 0, while its logarithm, kept from the logits, is exact)
    /// the saddle-point form cannot represent it, and the sum, which does not cancel there (np is then below 1e-264),
    /// is kept too.
    /// </summary>
    private Tensor SaddlePointLogProb(Tensor k, Tensor sum) =>
        FamilyHelpers.ByElement(sum, [k, TotalCount, Binary.One, Binary.Zero], static (c, i, direct) =>
        {
            double kv = c[0][i], n = c[1][i], p = c[2][i], q = c[3][i];
            return !(Math.Min(p, q) >= SmallestSaddlePointProbability) || !(n >= SaddlePointPmf.UsedFrom) ? direct
                : p <= 0.5 ? SaddlePointPmf.LogBinomial(kv, n, p) : SaddlePointPmf.LogBinomial(n - kv, n, q);
        });

    /// <summary>Below this p or 1 - p, <see cref="LogProb"/> keeps the plain sum (see <see cref="SaddlePointLogProb"/>).</summary>
    private const double SmallestSaddlePointProbability = 1e-280;

    /// <summary>From this variance np(1 - p) on the entropy comes from its asymptotic series (see <see cref="Entropy"/>).</summary>
    private const double AsymptoticVariance = 5e4;

    /// <summary>
    /// Entropy -Σₖ P(k) log P(k) (no closed form exists). With v = np(1 - p) below 5e4: the sum over the window
    /// |k - np| ≤ 40√v + 40 (Bernstein's inequality puts the mass outside below 2e⁻⁶⁰), so the cost follows the spread,
    /// not n. From v = 5e4 on, the asymptotic series ½ log(2πev) - (1 - 4u)/(12v) - (1 - 4u + 2u²)/(24v²), u = p(1 - p)
    /// (the Poisson series' first terms at u → 0; the u-polynomials found here by 40-digit summation at n = 2000..16000,
    /// p = 0.1, 0.3, 0.5): the next term, of order 0.05/v³, is below 1e-15 there.
    /// </summary>
    public override Tensor Entropy()
    {
        var n = TotalCount.BroadcastTo(BatchShapeArray);
        var p = Binary.BroadcastTo(BatchShapeArray);
        var u = p.One * p.Zero;
        var variance = n * u;
        var large = TensorOps.GreaterOrEqual(variance, AsymptoticVariance);
        bool anyLarge = large.Values.IndexOfAnyExcept(0.0) >= 0;
        var windowed = anyLarge ? new Binomial(TensorOps.Where(large, 0.0, n), "probs", p.One, p) : this;
        var counts = windowed.TotalCount.Values.ToArray();
        var means = (windowed.TotalCount * p.One).Values.ToArray();
        var spreads = windowed.Variance.Values.ToArray();
        var lower = new double[counts.Length];
        double width = 1;
        for (int b = 0; b < counts.Length; b++)
        {
            double reach = (40 * Math.Sqrt(spreads[b])) + 40;
            lower[b] = Math.Max(0, Math.Floor(means[b] - reach));
            width = Math.Max(width, Math.Min(counts[b], Math.Ceiling(means[b] + reach)) - lower[b] + 1);
        }

        var summed = FamilyHelpers.EntropyBySum(windowed, lower, (int)width);
        if (!anyLarge)
        {
            return summed;
        }

        var v = TensorOps.Where(large, variance, AsymptoticVariance);
        var uu = TensorOps.Where(large, u, 0.25);
        var inv = v.Reciprocal();
        var first = (1.0 - (uu * 4.0)) * (1.0 / 12);
        var second = (1.0 - (uu * 4.0) + (uu.Square() * 2.0)) * (1.0 / 24);
        var series = ((v * (2 * Math.PI * Math.E)).Log() * 0.5) - (inv * (first + (inv * second)));
        return TensorOps.Where(large, series, summed);
    }

    /// <summary>
    /// No gradient. Exact draws in time independent of n (<see cref="RandomStream.NextBinomial"/>: inversion for
    /// n·min(p, 1 − p) &lt; 10, Hörmann's BTRS above).
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var n = TensorOps.Expand(TotalCount, BatchShapeArray);
        var p = TensorOps.Expand(Probs, BatchShapeArray);
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            int j = i % n.Length;
            data[i] = random.NextBinomial(n[j], p[j]);
        }

        return new Tensor(data, shape);
    }

    /// <summary>Whole numbers in [0, 2⁵³]: above 2⁵³ not every whole number is a double, so n itself is not exact.</summary>
    private static Tensor CheckedCount(Tensor totalCount)
    {
        FamilyHelpers.Count(totalCount, nameof(Binomial), nameof(totalCount));
        foreach (double v in totalCount.Values)
        {
            if (v > RandomStream.MaxExactCount)
            {
                throw ParameterChecks.Invalid(nameof(Binomial), nameof(totalCount), "must be at most 2^53 = 9007199254740992 (larger whole numbers are not all exact in double)", v);
            }
        }

        return totalCount;
    }
}
