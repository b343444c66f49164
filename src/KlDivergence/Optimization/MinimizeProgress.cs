namespace KlDivergence.Optimization;

/// <summary>Where a minimisation is after a step.</summary>
/// <param name="Step">The zero-based step just taken.</param>
/// <param name="MaxSteps">The step budget.</param>
/// <param name="Loss">The loss at this step (before its update).</param>
/// <param name="SmoothedLoss">The exponentially smoothed loss.</param>
public readonly record struct MinimizeProgress(int Step, int MaxSteps, double Loss, double SmoothedLoss)
{
    /// <summary>The global L2 norm of the loss's gradient in the unconstrained parameters at this step (before the optimizer transforms it).</summary>
    public double GradientNorm { get; init; } = double.NaN;

    /// <summary>
    /// The Monte Carlo standard error of the loss at this step when the loss is an estimate (the ELBO's in
    /// <c>VariationalInference.Fit</c>); NaN when the loss is exact or its error is not known.
    /// </summary>
    public double LossStandardError { get; init; } = double.NaN;
}
