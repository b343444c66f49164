namespace KlDivergence.Models;

/// <summary>
/// The family of the surrogate posterior over a model's packed unconstrained vector, and the algorithm that fits it:
/// ELBO maximisation by <see cref="Inference.VariationalInference"/>.Fit for the normal families, a point mass and
/// <see cref="Custom"/>; its own algorithm for <see cref="Automatic"/>, <see cref="Pathfinder"/> and <see cref="Laplace"/>
/// (which use all the data even when the model subsamples, and ignore the optimiser options).
/// </summary>
public enum SurrogateFamily
{
    /// <summary>A normal with a diagonal covariance (<see cref="Inference.MeanFieldNormal"/>).</summary>
    MeanField,

    /// <summary>A normal with a full covariance (<see cref="Inference.FullRankNormal"/>).</summary>
    FullRank,

    /// <summary>A normal with a low-rank plus diagonal covariance (<see cref="Inference.LowRankNormal"/>).</summary>
    LowRank,

    /// <summary>A point mass: the fit is maximum a posteriori in the unconstrained space (<see cref="Inference.PointMassSurrogate"/>).</summary>
    PointMass,

    /// <summary>
    /// The default: a full-rank normal fitted by <see cref="Inference.AutomaticFit.Fit"/> (Pathfinder-initialised ELBO
    /// refinement that needs no tuning), with k-hat and ELBO diagnostics in <see cref="ModelFit.Diagnostics"/>.
    /// </summary>
    Automatic,

    /// <summary>Multi-path Pathfinder's normal approximation (<see cref="Inference.Pathfinder.MultiPath"/>), with its diagnostics.</summary>
    Pathfinder,

    /// <summary>
    /// The Laplace approximation at the mode found from the initial point (<see cref="Inference.LaplaceApproximation"/>.Fit),
    /// with its diagnostics.
    /// </summary>
    Laplace,

    /// <summary>
    /// The surrogate given in <see cref="ModelFitOptions.CustomSurrogate"/> (a normalising flow, a mixture, any
    /// <see cref="Inference.SurrogatePosterior"/> over the packed vector), fitted by ELBO maximisation.
    /// </summary>
    Custom,
}
