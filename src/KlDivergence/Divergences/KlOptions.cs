namespace KlDivergence.Divergences;

/// <summary>Options for <see cref="Kl.Divergence(Distributions.Distribution, Distributions.Distribution, KlOptions?)"/>.</summary>
public sealed record KlOptions
{
    /// <summary>The method to use; <see cref="KlMethodChoice.Auto"/> by default.</summary>
    public KlMethodChoice Method { get; init; } = KlMethodChoice.Auto;

    /// <summary>The number of Monte Carlo samples (at least 2); 100 000 by default.</summary>
    public int SampleCount { get; init; } = 100_000;

    /// <summary>The seed of the Monte Carlo random stream; the same seed gives bit-identical answers.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The absolute error the quadrature aims for; 1e-10 by default.</summary>
    public double QuadratureTolerance { get; init; } = 1e-10;

    /// <summary>
    /// When true, a result the library cannot vouch for (<see cref="KlResult.IsReliable"/> false) throws
    /// <see cref="UnreliableKlException"/> instead of being returned with the flag; false by default.
    /// </summary>
    public bool RequireReliable { get; init; }

    /// <summary>The registry of closed forms to consult; <see cref="KlRegistry.Default"/> unless set.</summary>
    public KlRegistry? Registry { get; init; }
}
