namespace KlDivergence.Optimization;

/// <summary>Why an L-BFGS run stopped.</summary>
public enum LbfgsStopReason
{
    /// <summary>The largest absolute gradient component fell to <see cref="LbfgsOptions.GradientTolerance"/>.</summary>
    GradientTolerance,

    /// <summary>An accepted step changed the objective by at most <see cref="LbfgsOptions.RelativeTolerance"/> (relative).</summary>
    RelativeTolerance,

    /// <summary>The iteration budget was spent.</summary>
    MaxIterations,

    /// <summary>
    /// The line search found no point that lowers the objective along the search direction, even along steepest
    /// descent: at the precision of the objective, the current point cannot be improved.
    /// </summary>
    LineSearchFailed,
}
