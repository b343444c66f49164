using KlDivergence.Distributions;

namespace KlDivergence.Optimization;

/// <summary>
/// Thrown when a minimisation (<see cref="Minimizer.Minimize"/>, the <c>KlFitting</c> fits,
/// <c>VariationalInference.Fit</c>) is cancelled through its token. It is an <see cref="OperationCanceledException"/>,
/// so code that handles cancellation keeps working, and it carries what was done: the <see cref="Trace"/> up to the
/// cancellation (<see cref="MinimizeTrace.WasCanceled"/> is true) and, for a variational fit, the
/// <see cref="Posterior"/> at the values reached. The parameters themselves keep the values of the last completed step.
/// </summary>
public sealed class MinimizeCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception with a default message and no trace.</summary>
    public MinimizeCanceledException()
        : base("The minimisation was cancelled.")
    {
    }

    /// <summary>Creates the exception with a message and no trace.</summary>
    public MinimizeCanceledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message, an inner exception and no trace.</summary>
    public MinimizeCanceledException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a cancelled run.</summary>
    /// <param name="trace">The trace of the steps completed before the cancellation.</param>
    /// <param name="posterior">The fitted distribution at the values reached, when the run was a variational fit.</param>
    /// <param name="token">The token that was cancelled.</param>
    public MinimizeCanceledException(MinimizeTrace trace, Distribution? posterior, CancellationToken token)
        : base($"The minimisation was cancelled after {trace?.Steps} steps; the exception's Trace holds them.", token)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Trace = trace;
        Posterior = posterior;
    }

    /// <summary>The steps completed before the cancellation (null only from the parameterless constructors).</summary>
    public MinimizeTrace? Trace { get; }

    /// <summary>For a variational fit, the surrogate at the values reached (no graph); null otherwise.</summary>
    public Distribution? Posterior { get; }
}
