using KlDivergence.Tensors;

namespace KlDivergence.Diagnostics;

/// <summary>
/// A generalized Pareto distribution fitted to exceedances x ≥ 0 over a threshold: P(X &gt; x) = (1 + k·x/σ)^(-1/k)
/// (the exponential e^(-x/σ) at k = 0). The shape k is the tail index: moments of order 1/k and above are infinite,
/// so k ≥ 0.5 means infinite variance and k ≥ 1 an infinite mean; k &lt; 0 is a bounded tail.
/// </summary>
/// <param name="Shape">The shape k (the Pareto k-hat when estimated).</param>
/// <param name="Scale">The scale σ &gt; 0.</param>
/// <param name="ExceedanceCount">The number of exceedances the fit used.</param>
public readonly record struct GeneralizedParetoFit(double Shape, double Scale, int ExceedanceCount)
{
    /// <summary>
    /// The quantile F⁻¹(u) = σ/k · ((1 - u)^(-k) - 1) (σ·(-log(1 - u)) at k = 0), for 0 ≤ u &lt; 1, computed as
    /// σ·expm1(-k·log1p(-u))/k so that it stays accurate as k approaches 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is not in [0, 1).</exception>
    public double Quantile(double probability)
    {
        if (!(probability >= 0 && probability < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A quantile needs a probability in [0, 1).");
        }

        double logSurvival = ScalarMath.Log1p(-probability);
        return Math.Abs(Shape) < 1e-12 ? -Scale * logSurvival : Scale * ScalarMath.Expm1(-Shape * logSurvival) / Shape;
    }
}
