namespace KlDivergence.Diagnostics;

/// <summary>
/// One pass over a stream of Monte Carlo terms whose total count is known in advance: their mean and its standard
/// error (<see cref="RunningMoments"/>) and the M + 1 largest and smallest values (M from
/// <see cref="ParetoSmoothing.TailLength"/>) for the Pareto k-hat of both tails, without keeping the terms.
/// </summary>
internal sealed class SampleSummary
{
    private readonly LargestValues? upper;
    private readonly LargestValues? lower;
    private RunningMoments moments;

    private readonly bool keepsTails;

    /// <summary>
    /// Creates an empty summary for a stream of <paramref name="totalCount"/> terms; without
    /// <paramref name="keepTails"/> it keeps only the moments (for a caller that finds k-hat later from its own copy
    /// of the terms), and <see cref="ParetoK"/> may not be read.
    /// </summary>
    public SampleSummary(int totalCount, bool keepTails = true)
    {
        keepsTails = keepTails;
        int m = ParetoSmoothing.TailLength(totalCount);
        if (keepTails && m >= ParetoSmoothing.MinimumTailLength)
        {
            upper = new LargestValues(m + 1);
            lower = new LargestValues(m + 1);
        }
    }

    /// <summary>The mean of the terms taken.</summary>
    public double Mean => moments.Mean;

    /// <summary>The standard error of <see cref="Mean"/>.</summary>
    public double StandardError => moments.StandardError;

    /// <summary>
    /// The Pareto k-hat of |t - c| over the terms t (as <see cref="ParetoSmoothing.AbsoluteDeviationParetoK"/>, with
    /// the centre c the running mean where it lies between the two tails' thresholds, since the median is not known
    /// in one pass). Another centre can pick other deviations: for light tails the k-hat barely moves, but for heavy
    /// tails it can differ much from the median-centred one (for KL(Cauchy ‖ Normal) over 4000 draws, 3.8 against
    /// 1.9: both far above 0.7, so the verdict stands). +∞ when the stream is too short for a tail fit or a term is infinite.
    /// </summary>
    public double ParetoK => !keepsTails
        ? throw new InvalidOperationException("This summary keeps no tails.")
        : upper is null || lower is null
        ? double.PositiveInfinity
        : ParetoSmoothing.DeviationShapeFromExtremes(upper.ToSortedArray(), lower.ToSortedArray(), moments.Mean);

    /// <summary>
    /// The upper tail's bar (<see cref="LargestValues.Bar"/>) for blocks summarised apart from now on: null while
    /// every term must be offered, +∞ when no tail is kept.
    /// </summary>
    public double? UpperBar => upper is null ? double.PositiveInfinity : upper.Bar;

    /// <summary>The lower tail's bar, on negated terms (as <see cref="UpperBar"/>).</summary>
    public double? LowerBar => lower is null ? double.PositiveInfinity : lower.Bar;

    /// <summary>
    /// Takes a block of terms summarised apart (<see cref="SummaryBlock.Summarise"/>, with bars read from this summary
    /// after every earlier block was taken): the same result as <see cref="Add(ReadOnlySpan{double})"/> of
    /// <paramref name="terms"/>, which are those the block summarised.
    /// </summary>
    public void Add(SummaryBlock block, ReadOnlySpan<double> terms)
    {
        if (block.IsFinite)
        {
            moments.Merge(block.Count, block.Mean, block.SquaredDeviations);
        }
        else
        {
            moments.Add(terms);
        }

        upper?.Offer(block.UpperFiltered ? block.Upper : terms);
        lower?.OfferNegated(block.LowerFiltered ? block.Lower : terms);
    }

    /// <summary>Takes a block of terms.</summary>
    public void Add(ReadOnlySpan<double> terms)
    {
        moments.Add(terms);
        upper?.Offer(terms);
        lower?.OfferNegated(terms);
    }
}
