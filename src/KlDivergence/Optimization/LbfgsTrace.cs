namespace KlDivergence.Optimization;

/// <summary>
/// The record of an L-BFGS run (<see cref="Lbfgs"/>): every iterate, every accepted correction pair, where it stopped
/// and why, and the number of function-and-gradient evaluations spent (line searches included).
/// </summary>
public sealed class LbfgsTrace
{
    internal LbfgsTrace(List<LbfgsIterate> iterates, List<LbfgsCorrection> corrections, LbfgsStopReason reason, int evaluations)
    {
        Iterates = iterates;
        Corrections = corrections;
        StopReason = reason;
        Evaluations = evaluations;
    }

    /// <summary>The starting point and every accepted iterate, in order.</summary>
    public IReadOnlyList<LbfgsIterate> Iterates { get; }

    /// <summary>
    /// Every correction pair accepted, oldest first (the two-loop recursion at iteration k used the last
    /// <see cref="LbfgsOptions.HistorySize"/> pairs with <see cref="LbfgsCorrection.Iteration"/> ≤ k).
    /// </summary>
    public IReadOnlyList<LbfgsCorrection> Corrections { get; }

    /// <summary>Why the run stopped.</summary>
    public LbfgsStopReason StopReason { get; }

    /// <summary>True when a tolerance was met (gradient or relative objective change).</summary>
    public bool Converged => StopReason is LbfgsStopReason.GradientTolerance or LbfgsStopReason.RelativeTolerance;

    /// <summary>Function-and-gradient evaluations spent, the line searches' included.</summary>
    public int Evaluations { get; }

    /// <summary>The number of accepted steps.</summary>
    public int Iterations => Iterates.Count - 1;

    /// <summary>The last (lowest) iterate.</summary>
    public LbfgsIterate Final => Iterates[^1];

    /// <summary>The minimiser found (a copy).</summary>
    public double[] Minimizer => [.. Final.Point];

    /// <summary>The objective at <see cref="Minimizer"/>.</summary>
    public double Value => Final.Value;
}
