namespace KlDivergence.Distributions;

/// <summary>
/// The standard member f(z) = log p(z; 0, 1) of a location-scale family, over spans: what
/// <see cref="StandardizedLogDensity{TShape}"/> needs to give log p(x; μ, σ) = f((x - μ)/σ) - log σ and its gradients
/// as one op. <see cref="LogDensity"/> may write its result over its input; the other two get a result span of their own.
/// </summary>
internal interface IStandardShape
{
    /// <summary>f(z) at each z, normalising constant included.</summary>
    static abstract void LogDensity(ReadOnlySpan<double> z, Span<double> result);

    /// <summary>f'(z) at each z (finite wherever z is, and at z = ±∞ its limit).</summary>
    static abstract void Slope(ReadOnlySpan<double> z, Span<double> result);

    /// <summary>z f'(z) at each z, written so it has its limit at z = ±∞ (the product of the two would be ∞ · 0 there).</summary>
    static abstract void ScoreTimesSlope(ReadOnlySpan<double> z, Span<double> result);
}
