namespace KlDivergence.Optimization;

/// <summary>Options of <see cref="Lbfgs"/>: history size, stopping tolerances and the strong Wolfe line search's constants.</summary>
public sealed record LbfgsOptions
{
    /// <summary>The number m of most recent correction pairs the two-loop recursion uses; 6 by default.</summary>
    public int HistorySize { get; init; } = 6;

    /// <summary>The maximum number of iterations (accepted steps); 1000 by default.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Stop when the largest absolute gradient component is at most this; 1e-8 by default.</summary>
    public double GradientTolerance { get; init; } = 1e-8;

    /// <summary>
    /// Stop when an accepted step changes the objective by at most this fraction, |fₖ - fₖ₊₁| ≤ tol · max(|fₖ|, |fₖ₊₁|, 1);
    /// 1e-12 by default (about Stan's 10⁴ machine epsilons).
    /// </summary>
    public double RelativeTolerance { get; init; } = 1e-12;

    /// <summary>The sufficient-decrease constant c₁ of the Wolfe conditions; 1e-4 by default.</summary>
    public double SufficientDecrease { get; init; } = 1e-4;

    /// <summary>The curvature constant c₂ of the strong Wolfe conditions (c₁ &lt; c₂ &lt; 1); 0.9 by default.</summary>
    public double Curvature { get; init; } = 0.9;

    /// <summary>The most function-and-gradient evaluations one line search may spend; 30 by default.</summary>
    public int MaxLineSearchEvaluations { get; init; } = 30;

    /// <summary>
    /// Whether each evaluation's intermediates (the tensors computed inside the loss of
    /// <see cref="Lbfgs.Minimize(System.Func{Tensors.Tensor}, IReadOnlyList{Parameter}, LbfgsOptions?)"/>) give their memory to the
    /// next evaluation; true by default, as <see cref="MinimizeOptions.ReuseIntermediates"/>. An intermediate kept past
    /// its evaluation then throws when read: keep a value with <see cref="Tensors.Tensor.Clone"/> inside the loss, or
    /// set this to false. Results are the same either way.
    /// </summary>
    public bool ReuseIntermediates { get; init; } = true;

    /// <summary>Cancels between iterations.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Checks the options, naming the first bad one.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HistorySize, 1, nameof(HistorySize));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxIterations, nameof(MaxIterations));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLineSearchEvaluations, 1, nameof(MaxLineSearchEvaluations));
        Guard.NonNegativeFinite(GradientTolerance, nameof(GradientTolerance));
        Guard.NonNegativeFinite(RelativeTolerance, nameof(RelativeTolerance));
        if (!(SufficientDecrease > 0 && SufficientDecrease < Curvature && Curvature < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Curvature), $"The Wolfe constants need 0 < SufficientDecrease < Curvature < 1; got SufficientDecrease = {SufficientDecrease}, Curvature = {Curvature}.");
        }
    }
}
