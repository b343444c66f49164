namespace KlDivergence.Optimization;

/// <summary>The record of a minimisation: the loss at every step and parameter values every few steps.</summary>
public sealed class MinimizeTrace
{
    internal MinimizeTrace(IReadOnlyList<string> names, List<double> losses, List<double> smoothed, List<ParameterSnapshot> snapshots, int skipped, bool converged)
    {
        ParameterNames = names;
        Losses = losses;
        SmoothedLosses = smoothed;
        Snapshots = snapshots;
        SkippedSteps = skipped;
        Converged = converged;
    }

    /// <summary>The parameter names, in the order of each snapshot's values.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The loss at every step taken (NaN or ±∞ at a skipped step).</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>The exponentially smoothed loss at every step.</summary>
    public IReadOnlyList<double> SmoothedLosses { get; }

    /// <summary>Parameter values before the first step and every <see cref="MinimizeOptions.TraceEvery"/> steps, and at the end.</summary>
    public IReadOnlyList<ParameterSnapshot> Snapshots { get; }

    /// <summary>The number of steps taken.</summary>
    public int Steps => Losses.Count;

    /// <summary>Steps skipped because the loss or a gradient was not finite (the parameters were not changed).</summary>
    public int SkippedSteps { get; }

    /// <summary>True when the loop stopped because the convergence criterion held.</summary>
    public bool Converged { get; }

    /// <summary>The last loss.</summary>
    public double FinalLoss => Losses.Count == 0 ? double.NaN : Losses[^1];
}
