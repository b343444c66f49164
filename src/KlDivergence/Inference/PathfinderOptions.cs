using KlDivergence.Optimization;

namespace KlDivergence.Inference;

/// <summary>
/// Options of <see cref="Pathfinder"/>. The defaults follow Zhang, Carpenter, Gelman &amp; Vehtari (JMLR 23(306), 2022):
/// history J = 6, K = 5 draws per ELBO estimate, starts uniform in (-2, 2)ᵈ, and for multi-path I = 4 paths whose
/// pooled draws are resampled by Pareto-smoothed importance weights.
/// </summary>
public sealed record PathfinderOptions
{
    /// <summary>The number of correction pairs J in each inverse-Hessian estimate (and in L-BFGS); 6 by default.</summary>
    public int HistorySize { get; init; } = 6;

    /// <summary>The number K of draws of each normal approximation used to estimate its ELBO; 5 by default.</summary>
    public int ElboDraws { get; init; } = 5;

    /// <summary>The number of draws taken from each path's best approximation; 1000 by default.</summary>
    public int DrawsPerPath { get; init; } = 1000;

    /// <summary>The number of paths I of <see cref="Pathfinder.MultiPath"/>; 4 by default.</summary>
    public int PathCount { get; init; } = 4;

    /// <summary>The number of draws multi-path Pathfinder resamples (with replacement) from the pooled draws; 1000 by default.</summary>
    public int ResampleCount { get; init; } = 1000;

    /// <summary>Random starts are uniform in (-r, r) in every unconstrained coordinate; r = 2 by default (Stan's default).</summary>
    public double InitialRadius { get; init; } = 2;

    /// <summary>The maximum number of L-BFGS iterations L of each path; 1000 by default.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>The L-BFGS options other than history size and iterations (tolerances, Wolfe constants).</summary>
    public LbfgsOptions Lbfgs { get; init; } = new();

    /// <summary>
    /// The most paths run at once; null (the default) uses every core. The draws do not depend on it: each path draws
    /// from its own stream, seeded from the seed and the path's index.
    /// </summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>The seed from which every path's stream (and the resampling stream) is derived; 0 by default.</summary>
    public ulong Seed { get; init; }

    /// <summary>Checks the options, naming the first bad one.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HistorySize, 1, nameof(HistorySize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ElboDraws, 1, nameof(ElboDraws));
        ArgumentOutOfRangeException.ThrowIfLessThan(DrawsPerPath, 2, nameof(DrawsPerPath));
        ArgumentOutOfRangeException.ThrowIfLessThan(PathCount, 1, nameof(PathCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(ResampleCount, 1, nameof(ResampleCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        ArgumentNullException.ThrowIfNull(Lbfgs, nameof(Lbfgs));
        if (!(InitialRadius > 0 && double.IsFinite(InitialRadius)))
        {
            throw new ArgumentOutOfRangeException(nameof(InitialRadius), InitialRadius, $"InitialRadius must be finite and positive, got {InitialRadius}.");
        }

        if (MaxDegreeOfParallelism is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, $"MaxDegreeOfParallelism must be at least 1, got {MaxDegreeOfParallelism}.");
        }
    }
}
