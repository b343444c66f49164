namespace KlDivergence.Diagnostics;

/// <summary>
/// One pass over a stream of Monte Carlo terms whose total count is known in advance: their mean and its standard
/// error (<see cref="RunningMoments"/>) and the M + 1 largest and smallest values (M from
/// <see cref="ParetoSmoothing.TailLength"/>) for the Pareto k-hat of both tails, without keeping the terms. The stream
/// may also be taken in shares on several threads: each share's tails by a summary of its own
/// (<see cref="OfferToTails"/>, then <see cref="TakeTails"/>), and each block's moments apart, merged in block order
/// (<see cref="MergeMoments"/>); the result is the one taking every block in order gives.
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
    /// Offers <paramref name="terms"/> to the tails only, leaving the moments alone: for a summary kept by one worker
    /// for its share of the terms, whose tails another summary takes (<see cref="TakeTails"/>) while the moments are
    /// merged block by block in order (<see cref="MergeMoments"/>).
    /// </summary>
    public void OfferToTails(ReadOnlySpan<double> terms)
    {
        if (upper is not null && lower is not null)
        {
            LargestValues.OfferToBoth(terms, upper, lower);
        }
    }

    /// <summary>
    /// Merges a block's moments (a <see cref="RunningMoments"/> that took only that block): merged in block order, the
    /// same mean and standard error as <see cref="Add(ReadOnlySpan{double})"/> of the blocks in that order.
    /// </summary>
    public void MergeMoments(in RunningMoments block) => moments.Merge(block);

    /// <summary>
    /// Takes the tails <paramref name="share"/> kept of its share of the terms (a summary for the same total count):
    /// the largest and smallest values of a stream are those of its shares' largest and smallest values, so shares
    /// taken in any order keep exactly the values offering every term would keep.
    /// </summary>
    public void TakeTails(SampleSummary share)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (upper is not null && lower is not null)
        {
            if (share.upper is null || share.lower is null)
            {
                throw new ArgumentException("The share keeps no tails: it must be a summary for the same total count.", nameof(share));
            }

            upper.Take(share.upper);
            lower.Take(share.lower);
        }
    }

    /// <summary>Takes a block of terms.</summary>
    public void Add(ReadOnlySpan<double> terms)
    {
        moments.Add(terms);
        OfferToTails(terms);
    }
}
