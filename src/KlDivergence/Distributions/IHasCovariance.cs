using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// A distribution over vectors (event shape [d]) that can report its full covariance matrix
/// Cov[X] = E[(X - E X)(X - E X)ᵀ], of shape [...BatchShape, d, d].
/// </summary>
public interface IHasCovariance
{
    /// <summary>The covariance matrix Cov[X] = E[(X - μ)(X - μ)ᵀ], shape [...BatchShape, d, d].</summary>
    /// <exception cref="NotSupportedException">The covariance is not available for this instance.</exception>
    Tensor Covariance { get; }
}
