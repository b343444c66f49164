namespace KlDivergence.Optimization;

/// <summary>Where a minimisation is after a step.</summary>
/// <param name="Step">The zero-based step just taken.</param>
/// <param name="MaxSteps">The step budget.</param>
/// <param name="Loss">The loss at this step (before its update).</param>
/// <param name="SmoothedLoss">The exponentially smoothed loss.</param>
public readonly record struct MinimizeProgress(int Step, int MaxSteps, double Loss, double SmoothedLoss);
