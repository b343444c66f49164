namespace KlDivergence.Divergences;

/// <summary>
/// Thrown, when <see cref="KlOptions.RequireReliable"/> is set, for a KL estimate the library cannot vouch for
/// (an uncertified quadrature, a Monte Carlo estimate with infinite variance). The message says why; the
/// flagged result is on <see cref="Result"/>.
/// </summary>
public sealed class UnreliableKlException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public UnreliableKlException()
        : base("The KL estimate could not be certified.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnreliableKlException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public UnreliableKlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a flagged result; the message names the pair and the result's reason.</summary>
    public UnreliableKlException(string pFamily, string qFamily, KlResult result)
        : base($"KL({pFamily} || {qFamily}) by {result?.Method} could not be certified: {result?.Reason ?? "no reason given"}.")
    {
        Result = result;
    }

    /// <summary>The flagged result, when the exception was made from one.</summary>
    public KlResult? Result { get; }
}
