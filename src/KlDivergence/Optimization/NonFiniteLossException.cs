namespace KlDivergence.Optimization;

/// <summary>
/// Thrown by <see cref="Minimizer.Minimize"/> when more steps than allowed had a non-finite loss or gradient.
/// The parameters keep the last finite values; the message says at which step and in what.
/// </summary>
public sealed class NonFiniteLossException : ArithmeticException
{
    /// <summary>Creates the exception with a default message.</summary>
    public NonFiniteLossException()
        : base("The loss or a gradient was not finite too often.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NonFiniteLossException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public NonFiniteLossException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a step.</summary>
    /// <param name="step">The zero-based step of the last failure.</param>
    /// <param name="where">What was not finite, e.g. "the loss" or "the gradient of 'scale'".</param>
    /// <param name="count">How many steps were skipped in all.</param>
    public NonFiniteLossException(int step, string where, int count)
        : base($"Minimize stopped at step {step}: {where} was not finite ({count} non-finite steps skipped in all). " +
               "The parameters keep their last finite values.")
    {
        Step = step;
        Where = where;
    }

    /// <summary>The zero-based step of the last failure.</summary>
    public int Step { get; }

    /// <summary>What was not finite.</summary>
    public string? Where { get; }
}
