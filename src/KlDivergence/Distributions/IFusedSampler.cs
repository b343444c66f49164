using KlDivergence.Random;

namespace KlDivergence.Distributions;

/// <summary>
/// A univariate, unbatched distribution that can draw straight into a span, consuming the stream exactly as
/// <see cref="Distribution.Sample"/> does for the same count (so both give the same values).
/// </summary>
internal interface IFusedSampler
{
    /// <summary>True when this instance (its parameters' shapes) allows <see cref="FusedSample"/>.</summary>
    bool HasFusedSampler { get; }

    /// <summary>Fills <paramref name="destination"/> with independent draws.</summary>
    void FusedSample(RandomStream random, Span<double> destination);
}
