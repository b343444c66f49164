namespace KlDivergence.Divergences;

/// <summary>
/// Thrown when an exact KL divergence is requested for a pair of families with no registered closed form.
/// The message names both families and the estimating call to use instead.
/// </summary>
public sealed class NoClosedFormException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public NoClosedFormException()
        : base("No closed-form KL divergence is registered for this pair.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NoClosedFormException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public NoClosedFormException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a pair of families.</summary>
    public NoClosedFormException(string pFamily, string qFamily)
        : base($"No closed-form KL divergence is registered for KL({pFamily} || {qFamily}). " +
               "Use Kl.Divergence(p, q) (automatic: quadrature for univariate pairs, else Monte Carlo) " +
               "or Kl.MonteCarlo(p, q, sampleCount, random) to estimate it.")
    {
        PFamily = pFamily;
        QFamily = qFamily;
    }

    /// <summary>The family of p.</summary>
    public string? PFamily { get; }

    /// <summary>The family of q.</summary>
    public string? QFamily { get; }
}
