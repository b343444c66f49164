using System.Globalization;

namespace KlDivergence.Optimization;

/// <summary>The record of a minimisation: the loss at every step and parameter values every few steps.</summary>
public sealed class MinimizeTrace
{
    internal MinimizeTrace(IReadOnlyList<string> names, List<double> losses, List<double> smoothed, List<ParameterSnapshot> snapshots, int skipped, bool converged, bool canceled = false)
    {
        ParameterNames = names;
        Losses = losses;
        SmoothedLosses = smoothed;
        Snapshots = snapshots;
        SkippedSteps = skipped;
        Converged = converged;
        WasCanceled = canceled;
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

    /// <summary>True when the run was cancelled through its token (the trace holds the steps completed before).</summary>
    public bool WasCanceled { get; }

    /// <summary>The last loss.</summary>
    public double FinalLoss => Losses.Count == 0 ? double.NaN : Losses[^1];

    /// <summary>The steps, the final loss and how the run ended, e.g. <c>MinimizeTrace(steps: 3000, final loss: 0.0123, converged: false)</c>.</summary>
    public override string ToString()
    {
        string skipped = SkippedSteps > 0 ? $", skipped: {SkippedSteps}" : string.Empty;
        string canceled = WasCanceled ? ", canceled" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"MinimizeTrace(steps: {Steps}, final loss: {FinalLoss:G6}, converged: {(Converged ? "true" : "false")}{skipped}{canceled})");
    }
}
