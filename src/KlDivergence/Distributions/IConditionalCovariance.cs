using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// A distribution whose covariance matrix exists for some instances only (mixtures, Independent): not an
/// <see cref="IHasCovariance"/>, which promises a covariance for every instance; mixtures use this to reach their
/// components' covariances.
/// </summary>
internal interface IConditionalCovariance
{
    /// <summary>True when this instance has a covariance matrix.</summary>
    bool HasCovariance { get; }

    /// <summary>The covariance matrix, shape [...BatchShape, d, d].</summary>
    Tensor Covariance { get; }
}
