namespace KlDivergence.Divergences;

/// <summary>How a KL divergence was computed.</summary>
public enum KlMethod
{
    /// <summary>An exact formula for the pair of families (registered in <see cref="KlRegistry"/>).</summary>
    ClosedForm,

    /// <summary>Adaptive Gauss–Kronrod integration of p(x) log(p(x)/q(x)) over p's support (univariate, continuous).</summary>
    Quadrature,

    /// <summary>The Monte Carlo mean of log p(X) - log q(X) over samples X ~ p, with its standard error.</summary>
    MonteCarlo,

    /// <summary>A bound or analytic approximation (for example for mixtures), not the exact value.</summary>
    Bound,

    /// <summary>
    /// +∞ decided by a rule before any integration: supports that are not nested, measures that differ (discrete
    /// against continuous), or tails under which E_p[log p - log q] diverges. <see cref="KlResult.Reason"/> says which.
    /// </summary>
    Rule,

    /// <summary>
    /// The k-nearest-neighbour estimate from samples of p and q only (Wang, Kulkarni &amp; Verdú 2009;
    /// <see cref="SampleKl.Estimate(double[], double[], int)"/>): consistent, no
    /// densities needed, and no standard error (NaN).
    /// </summary>
    NearestNeighbor,
}
