using KlDivergence.Tensors;

namespace KlDivergence.Optimization;

/// <summary>Options of <see cref="Minimizer.Minimize"/>.</summary>
public sealed record MinimizeOptions
{
    /// <summary>Creates options with the optimizer to use.</summary>
    public MinimizeOptions(IGradientTransformation optimizer) =>
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));

    /// <summary>The optimizer (see <see cref="Optimizers"/>).</summary>
    public IGradientTransformation Optimizer { get; init; }

    /// <summary>The maximum number of steps; 1000 by default.</summary>
    public int MaxSteps { get; init; } = 1000;

    /// <summary>
    /// Stop early when the smoothed loss changes by less than this fraction over <see cref="ConvergenceWindow"/>
    /// steps (|ℓ̄ₜ - ℓ̄ₜ₋w| ≤ tol · max(|ℓ̄ₜ|, 1e-12)); 0 (the default) runs all steps.
    /// </summary>
    public double ConvergenceTolerance { get; init; }

    /// <summary>The window of the convergence test in steps; 20 by default.</summary>
    public int ConvergenceWindow { get; init; } = 20;

    /// <summary>The weight of the newest loss in the exponentially smoothed loss ℓ̄; 0.1 by default.</summary>
    public double Smoothing { get; init; } = 0.1;

    /// <summary>
    /// Record parameter values every this many steps (and at the end); 0, the default, records only the values before
    /// the first step and the final ones. Each record copies every parameter, so tracing every step of a large model
    /// holds steps × parameters numbers (a 10⁵-parameter fit of 2000 steps, 1.6 GB) and spends much of each step
    /// copying: set it for the trajectories of small fits, as TensorFlow Probability's <c>minimize</c> traces the loss
    /// only unless asked.
    /// </summary>
    public int TraceEvery { get; init; }

    /// <summary>How many steps with a non-finite loss or gradient may be skipped before the loop gives up; 10 by default.</summary>
    public int MaxNonFiniteSteps { get; init; } = 10;

    /// <summary>Receives progress after every step.</summary>
    public IProgress<MinimizeProgress>? Progress { get; init; }

    /// <summary>Called after every step (synchronously, unlike <see cref="IProgress{T}"/>).</summary>
    public Action<MinimizeProgress>? Callback { get; init; }

    /// <summary>
    /// Whether each step's intermediates (the tensors computed inside the loss, other than the loss itself) give their
    /// memory to the next step; true by default, so a fit's steady state allocates almost nothing. An intermediate
    /// kept past its step then throws an <see cref="InvalidOperationException"/> when read: keep a value with
    /// <see cref="Tensor.Clone"/> inside the loss, or set this to false. Results are the same either way.
    /// </summary>
    public bool ReuseIntermediates { get; init; } = true;

    /// <summary>Cancels the loop between steps (the parameters keep their last values).</summary>
    public CancellationToken CancellationToken { get; init; }
}
