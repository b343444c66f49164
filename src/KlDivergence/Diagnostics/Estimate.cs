using System.Globalization;
using KlDivergence.Tensors;

namespace KlDivergence.Diagnostics;

/// <summary>
/// An estimate with its error: the one shape every estimating call of the library reports
/// (<see cref="Divergences.KlResult.Estimate"/>, <see cref="Inference.ElboEstimate.Estimate"/>,
/// <see cref="Distributions.Distribution.EstimateEntropy"/>, <see cref="Divergences.Quadrature.QuadratureResult.Estimate"/>).
/// Both parts are batch-shaped tensors of the same shape; the value stays differentiable where the method allows.
/// </summary>
/// <param name="Value">The estimate, batch-shaped.</param>
/// <param name="StandardError">
/// Its standard error (Monte Carlo: sample standard deviation / √n), or the error estimate of a quadrature, or zero
/// for a closed form; batch-shaped like <paramref name="Value"/>.
/// </param>
public sealed record Estimate(Tensor Value, Tensor StandardError)
{
    /// <summary>An unbatched estimate from plain numbers.</summary>
    /// <param name="value">The estimate.</param>
    /// <param name="standardError">Its standard error or error estimate (not negative, or NaN when unknown).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="standardError"/> is negative.</exception>
    public static Estimate FromScalars(double value, double standardError)
    {
        if (standardError < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(standardError), standardError, "A standard error cannot be negative.");
        }

        return new(Tensor.Scalar(value), Tensor.Scalar(standardError));
    }

    /// <summary>The value of an unbatched estimate.</summary>
    public double ToScalar() => Value.ToScalar();

    /// <summary>The standard error of an unbatched estimate.</summary>
    public double StandardErrorScalar() => StandardError.ToScalar();

    /// <inheritdoc/>
    public override string ToString() =>
        Value.Length == 1 && StandardError.Length == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{Value.ToScalar():G6} ± {StandardError.ToScalar():G4}")
            : $"{Value} ± {StandardError}";
}
