namespace KlDivergence.Divergences;

/// <summary>Which method a caller asks for.</summary>
public enum KlMethodChoice
{
    /// <summary>Closed form if registered, else quadrature for univariate continuous pairs, else Monte Carlo.</summary>
    Auto,

    /// <summary>Only an exact formula; throws <see cref="NoClosedFormException"/> when none is registered.</summary>
    ClosedForm,

    /// <summary>Adaptive quadrature (univariate continuous distributions only).</summary>
    Quadrature,

    /// <summary>Monte Carlo with <see cref="KlOptions.SampleCount"/> samples drawn with <see cref="KlOptions.Seed"/>.</summary>
    MonteCarlo,
}
