namespace KlDivergence.Inference;

/// <summary>Where <see cref="AutomaticFit"/> took its initial Gaussian from.</summary>
public enum AutomaticFitInitialization
{
    /// <summary>The mean and covariance of multi-path Pathfinder's importance-resampled draws (k-hat below 0.7).</summary>
    PathfinderDraws,

    /// <summary>Pathfinder's best normal approximation (its draws' k-hat was 0.7 or more, so their moments were not used).</summary>
    PathfinderApproximation,

    /// <summary>The Laplace approximation at the mode found from 0 (Pathfinder produced no approximation).</summary>
    Laplace,
}
