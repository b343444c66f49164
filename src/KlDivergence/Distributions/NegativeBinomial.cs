using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The negative binomial distribution of successes before the r-th failure, with success probability p (PyTorch's
/// convention): log P(k) = log Γ(k + r) - log Γ(r) - log k! + r log(1 - p) + k log p, k = 0, 1, 2, ... The total count
/// r may be any positive real (the gamma–Poisson mixture), and is differentiable.
/// </summary>
public sealed class NegativeBinomial : Distribution
{
    /// <summary>Creates NegativeBinomial(totalCount, probs).</summary>
    /// <param name="totalCount">The number of failures r (positive, finite; need not be whole).</param>
    /// <param name="probs">The success probability p, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public NegativeBinomial(Tensor totalCount, Tensor probs)
        : base(ParameterChecks.BroadcastParameters(nameof(NegativeBinomial), totalCount, nameof(totalCount), probs, nameof(probs)), [])
    {
        TotalCount = ParameterChecks.Positive(totalCount, nameof(NegativeBinomial), nameof(totalCount));
        Probs = FamilyHelpers.Probability(probs, nameof(NegativeBinomial), nameof(probs), allowZero: false, allowOne: false);
    }

    /// <summary>The number of failures r.</summary>
    public Tensor TotalCount { get; }

    /// <summary>The success probability p.</summary>
    public Tensor Probs { get; }

    /// <summary>{0, 1, 2, ...}.</summary>
    public override Support Support { get; } = new(true, 0.0, double.PositiveInfinity, "non-negative integers");

    /// <summary>
    /// Counting measure on {0, 1, ...} (0 &lt; p &lt; 1 puts mass on every count); log P(k) = k log p + O(log k) falls
    /// linearly, like the geometric's.
    /// </summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Power(1));

    /// <summary>rp/(1 - p).</summary>
    public override Tensor Mean => (TotalCount * Probs / (1.0 - Probs)).BroadcastTo(BatchShapeArray);

    /// <summary>rp/(1 - p)².</summary>
    public override Tensor Variance => (TotalCount * Probs / (1.0 - Probs).Square()).BroadcastTo(BatchShapeArray);

    /// <summary>
    /// log Γ(k + r) - log Γ(r) - log Γ(k + 1) + r log1p(-p) + k log p for whole k ≥ 0, else -∞. From k + r = 1000 on
    /// the value comes from P(k) = r/(k + r) · Binomial(k; k + r, p) by Loader's saddle-point form
    /// (<see cref="SaddlePointPmf.LogBinomial"/>) and the gradient from the sum, whose terms are of order r log r at
    /// large r and cancel to a result of order 1.
    /// </summary>
    public override Tensor LogProb(Tensor value)
    {
        // Every value a count (the usual case): no mask to build and no selects, the sum at the values themselves.
        var inside = FamilyHelpers.AllCounts(value.Values) ? null : FamilyHelpers.WholeNumberMask(value, double.PositiveInfinity);
        var k = inside is null ? value : TensorOps.Where(inside, value, 0.0);
        var logP = (k + TotalCount).LogGamma() - TotalCount.LogGamma() - (k + 1.0).LogGamma() + (TotalCount * (-Probs).Log1p()) + (k * Probs.Log());
        if (!(System.Numerics.Tensors.TensorPrimitives.Max(k.Values) + System.Numerics.Tensors.TensorPrimitives.Max(TotalCount.Values) < SaddlePointPmf.UsedFrom))
        {
            // Only where some k + r reaches the saddle-point range: below it the sum is the value, with no extra pass.
            logP = StraightThrough.Of(logP, SaddlePointLogProb(k, logP));
        }

        return inside is null ? logP : TensorOps.Where(inside, logP, double.NegativeInfinity);
    }

    /// <summary>
    /// log(r/(k + r)) + log Binomial(k; k + r, p) element by element over <paramref name="sum"/>'s shape, reflected
    /// (r of k + r at 1 - p, exact for p ≥ ½) where p &gt; ½, as <see cref="SaddlePointPmf.LogBinomial"/> asks. Below
    /// k + r = <see cref="SaddlePointPmf.UsedFrom"/> the sum is kept (accurate there, and cheaper), and where p is below
    /// 1e-280 or k + r rounds (past 2⁵³): it does not cancel at such p, and the form needs n.
    /// </summary>
    private Tensor SaddlePointLogProb(Tensor k, Tensor sum) =>
        FamilyHelpers.ByElement(sum, [k, TotalCount, Probs], static (c, i, direct) =>
        {
            double kv = c[0][i], r = c[1][i], p = c[2][i], n = kv + r;
            if (!(n >= SaddlePointPmf.UsedFrom) || !(p >= 1e-280) || n - r != kv || n > RandomStream.MaxExactCount)
            {
                return direct;
            }

            double binomial = p <= 0.5 ? SaddlePointPmf.LogBinomial(kv, n, p) : SaddlePointPmf.LogBinomial(r, n, 1 - p);
            return Math.Log(r / n) + binomial;
        });

    /// <summary>
    /// P(X ≤ x) = I_{1-p}(r, ⌊x⌋ + 1) for x ≥ 0 (I the regularised incomplete beta function; e.g. Johnson, Kemp &amp;
    /// Kotz, "Univariate Discrete Distributions", §5.6), else 0. Differentiable in r and p, not in x.
    /// </summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var floor = new double[value.Length];
        for (int i = 0; i < floor.Length; i++)
        {
            floor[i] = value.Data[i] >= 0 ? Math.Floor(value.Data[i]) : 0;
        }

        var inside = TensorOps.GreaterOrEqual(value.Detach(), 0.0);
        var cdf = SpecialFunctionOps.BetaRegularized(TotalCount, new Tensor(floor, value.ShapeArray) + 1.0, 1.0 - Probs);
        return TensorOps.Where(inside, cdf, 0.0);
    }

    /// <summary>
    /// Not reparameterised: the gamma–Poisson mixture, λ ~ Gamma(r, rate (1 - p)/p) by <see cref="Gamma"/>'s sampler and
    /// then k ~ Poisson(λ) by <see cref="Poisson"/>'s.
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var rate = (1.0 - Probs) / Probs;
        var lambda = new Gamma(TotalCount.BroadcastTo(BatchShapeArray), rate.BroadcastTo(BatchShapeArray)).Sample(count, random);

        // A gamma draw can underflow to 0; Poisson(1e-300) then gives 0, the right answer, without a zero rate.
        var rates = lambda.ToArray();
        for (int i = 0; i < rates.Length; i++)
        {
            rates[i] = Math.Max(rates[i], 1e-300);
        }

        var poisson = new Poisson(Tensor.FromArray(rates, lambda.ShapeArray));
        return poisson.Sample(1, random).Reshape(SampleShape(count));
    }
}
