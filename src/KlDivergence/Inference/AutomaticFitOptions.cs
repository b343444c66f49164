namespace KlDivergence.Inference;

/// <summary>
/// Options of <see cref="AutomaticFit"/>. The defaults are the same for every model and are meant to need no tuning;
/// every one is documented with what it does.
/// </summary>
public sealed record AutomaticFitOptions
{
    /// <summary>The Pathfinder run that initialises the fit (multi-path; its defaults but 500 draws per path).</summary>
    public PathfinderOptions Pathfinder { get; init; } = new() { DrawsPerPath = 500 };

    /// <summary>Draws of q per refinement step (the ELBO's Monte Carlo sample); 16 by default.</summary>
    public int SampleCount { get; init; } = 16;

    /// <summary>Adam's initial step size in the whitened coordinates (where the initial approximation is N(0, I)); 0.05 by default.</summary>
    public double InitialLearningRate { get; init; } = 0.05;

    /// <summary>The ELBO is checked every this many refinement steps; 100 by default.</summary>
    public int Window { get; init; } = 100;

    /// <summary>
    /// Draws of q in each check of the ELBO; the same standard normal draws every check (common random numbers), so
    /// the change between checks is estimated from paired terms; 256 by default.
    /// </summary>
    public int CheckDraws { get; init; } = 256;

    /// <summary>How many times the step size is halved on a plateau before the refinement stops; 3 by default.</summary>
    public int MaxHalvings { get; init; } = 3;

    /// <summary>
    /// The ELBO has stopped improving when it rose since the previous check by at most max(this · |ELBO|, 2 standard
    /// errors of the paired change); 1e-5 by default.
    /// </summary>
    public double RelativeTolerance { get; init; } = 1e-5;

    /// <summary>The cap on refinement steps; 5000 by default.</summary>
    public int MaxSteps { get; init; } = 5000;

    /// <summary>Draws of the final approximation returned and used by the diagnostics; 1000 by default.</summary>
    public int DrawCount { get; init; } = 1000;

    /// <summary>The seed of Pathfinder, the refinement and the final draws; 0 by default.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Whether each evaluation's intermediates (the tensors computed inside the log-density) give their memory to the
    /// next, in Pathfinder, the refinement and the final draws' diagnostics, as
    /// <see cref="Optimization.MinimizeOptions.ReuseIntermediates"/>; true by default (false here turns it off in
    /// <see cref="Pathfinder"/>'s L-BFGS too). An intermediate the log-density keeps then throws when read after its
    /// evaluation: keep a value with <see cref="Tensors.Tensor.Clone"/>, or set this to false. Results are the same
    /// either way.
    /// </summary>
    public bool ReuseIntermediates { get; init; } = true;

    /// <summary>Checks the options, naming the first bad one.</summary>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Pathfinder, nameof(Pathfinder));
        Pathfinder.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(SampleCount, 2, nameof(SampleCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, 2, nameof(Window));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxHalvings, nameof(MaxHalvings));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckDraws, 2, nameof(CheckDraws));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSteps, nameof(MaxSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(DrawCount, 2, nameof(DrawCount));
        if (!(InitialLearningRate > 0 && double.IsFinite(InitialLearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(InitialLearningRate), InitialLearningRate, $"InitialLearningRate must be finite and positive, got {InitialLearningRate}.");
        }

        if (!(RelativeTolerance >= 0 && double.IsFinite(RelativeTolerance)))
        {
            throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), RelativeTolerance, $"RelativeTolerance must be finite and non-negative, got {RelativeTolerance}.");
        }
    }
}
