namespace KlDivergence.Distributions;

/// <summary>
/// A univariate, unbatched distribution whose log-density can be written straight into a span by one vectorised
/// pass, with no tensors: what lets a Monte Carlo estimate without gradients run at the speed of hand-written code.
/// </summary>
internal interface IFusedLogDensity
{
    /// <summary>True when this instance (its parameters' shapes) allows <see cref="FusedLogDensity"/>.</summary>
    bool HasFusedLogDensity { get; }

    /// <summary>logDensity[i] = log p(values[i]), the same values <see cref="Distribution.LogProb"/> gives.</summary>
    void FusedLogDensity(ReadOnlySpan<double> values, Span<double> logDensity);
}
