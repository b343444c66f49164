namespace KlDivergence.Models;

/// <summary>The family of the surrogate posterior over a model's packed unconstrained vector.</summary>
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
}
