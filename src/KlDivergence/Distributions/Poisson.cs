using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>The Poisson distribution: log P(k) = k log λ - λ - log k!, k = 0, 1, 2, ...</summary>
public sealed class Poisson : Distribution
{
    /// <summary>Creates Poisson(rate).</summary>
    /// <param name="rate">The rate λ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is out of range; the message names it and its value.</exception>
    public Poisson(Tensor rate)
        : base(FamilyHelpers.ShapeOf(rate, nameof(rate)), [])
    {
        Rate = ParameterChecks.Positive(rate, nameof(Poisson), nameof(rate));
    }

    /// <summary>The rate λ.</summary>
    public Tensor Rate { get; }

    /// <summary>{0, 1, 2, ...}.</summary>
    public override Support Support { get; } = new(true, 0.0, double.PositiveInfinity, "non-negative integers");

    /// <summary>Counting measure on {0, 1, ...} (λ &gt; 0 puts mass on every count); log P(k) ≤ C - k for large k (log k! grows like k log k).</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Power(1));

    /// <summary>λ.</summary>
    public override Tensor Mean => Rate;

    /// <summary>λ.</summary>
    public override Tensor Variance => Rate;

    /// <summary>
    /// k log λ - λ - log Γ(k + 1) for whole k ≥ 0, else -∞; from k or λ = 1000 on the value comes from Loader's
    /// saddle-point form and the gradient from this sum (see <see cref="SaddlePointLogProb"/>).
    /// </summary>
    public override Tensor LogProb(Tensor value)
    {
        // Every value a count (the usual case): no mask to build and no selects, the sum at the values themselves.
        var inside = FamilyHelpers.AllCounts(value.Values) ? null : FamilyHelpers.WholeNumberMask(value, double.PositiveInfinity);
        var k = inside is null ? value : TensorOps.Where(inside, value, 0.0);
        var sum = (k * Rate.Log()) - Rate - (k + 1.0).LogGamma();
        if (!(System.Numerics.Tensors.TensorPrimitives.Max(k.Values) < SaddlePointPmf.UsedFrom && System.Numerics.Tensors.TensorPrimitives.Max(Rate.Values) < SaddlePointPmf.UsedFrom))
        {
            // Only where some count or rate reaches the saddle-point range: below it the sum is the value, with no extra pass.
            sum = StraightThrough.Of(sum, SaddlePointLogProb(k, sum));
        }

        return inside is null ? sum : TensorOps.Where(inside, sum, double.NegativeInfinity);
    }

    /// <summary>
    /// log P(k) by Loader's saddle-point form (<see cref="SaddlePointPmf.LogPoisson"/>) over <paramref name="sum"/>'s
    /// shape where k or λ reaches <see cref="SaddlePointPmf.UsedFrom"/>, else the sum: the value <see cref="LogProb"/>
    /// reports (its gradient is the sum's). At large rates the sum's terms are of order λ log λ and cancel to a result
    /// of order log λ (at λ = k = 10¹⁵ it gave -24, where the value is -18.19).
    /// </summary>
    private Tensor SaddlePointLogProb(Tensor k, Tensor sum) =>
        FamilyHelpers.ByElement(sum, [k, Rate], static (c, i, direct) =>
            Math.Max(c[0][i], c[1][i]) >= SaddlePointPmf.UsedFrom ? SaddlePointPmf.LogPoisson(c[0][i], c[1][i]) : direct);

    /// <summary>From this rate on the entropy comes from its asymptotic series (see <see cref="Entropy"/>).</summary>
    private const double AsymptoticRate = 1000;

    /// <summary>
    /// Entropy -Σₖ P(k) log P(k) (no closed form exists). Below λ = 1000 the sum over k ≤ λ + 40√λ + 40, beyond which
    /// the Poisson tail mass is below e⁻⁴⁰⁰ (Chernoff bound), so the truncation is far below rounding. From λ = 1000 on,
    /// the asymptotic series ½ log(2πeλ) - 1/(12λ) - 1/(24λ²) - 19/(360λ³) - 9/(80λ⁴) (Evans, Boersma, Blachman &amp; Jagers,
    /// SIAM Review 30, 1988, through λ⁻³; the λ⁻⁴ coefficient -9/80 found here by 45-digit summation at λ = 250..2000
    /// and Richardson extrapolation): the next term, about -0.34/λ⁵, is below 4e-16 there, and the cost no longer
    /// grows with λ (the sum overflowed an int at λ = 1e12).
    /// </summary>
    public override Tensor Entropy()
    {
        var rate = Rate.BroadcastTo(BatchShapeArray);
        var large = TensorOps.GreaterOrEqual(rate, AsymptoticRate);
        bool anyLarge = large.Values.IndexOfAnyExcept(0.0) >= 0;
        var smallRate = anyLarge ? TensorOps.Where(large, 1.0, rate) : rate;
        double max = smallRate.Values.ToArray().DefaultIfEmpty(0).Max();
        var summed = FamilyHelpers.EntropyBySum(anyLarge ? new Poisson(smallRate) : this, (int)Math.Ceiling(max + (40 * Math.Sqrt(max)) + 40));
        if (!anyLarge)
        {
            return summed;
        }

        var lambda = TensorOps.Where(large, rate, AsymptoticRate);
        var inv = lambda.Reciprocal();
        var corrections = inv * ((inv * ((inv * ((inv * (9.0 / 80)) + (19.0 / 360))) + (1.0 / 24))) + (1.0 / 12));
        var series = ((lambda * (2 * Math.PI * Math.E)).Log() * 0.5) - corrections;
        return TensorOps.Where(large, series, summed);
    }

    /// <summary>
    /// No gradient. Exact draws in time independent of the rate (<see cref="RandomStream.NextPoisson"/>: Knuth's
    /// multiplication method below 10, Hörmann's PTRS transformed rejection above).
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var rate = Rate.Values.ToArray();
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.NextPoisson(rate[i % rate.Length]);
        }

        return new Tensor(data, shape);
    }
}
