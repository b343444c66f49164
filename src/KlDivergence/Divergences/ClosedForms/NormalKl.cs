using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Normal"/>.</summary>
internal static class NormalKl
{
    /// <summary>
    /// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½((μ₁ - μ₂)/σ₂)² + ½(r² - 1) - log r with r = σ₁/σ₂
    /// (e.g. Bishop, PRML, exercise 1.30). With ℓ = log r the scale terms are ½(e^{2ℓ} - 1 - 2ℓ), computed as
    /// one cancellation-free function, so nearly equal scales lose no digits.
    /// </summary>
    public static Tensor NormalNormal(Normal p, Normal q)
    {
        var twiceLogRatio = (p.Scale.Log() - q.Scale.Log()) * 2.0;
        var scaledDifference = (p.Loc - q.Loc) / q.Scale;
        return (scaledDifference.Square() + twiceLogRatio.Expm1MinusX()) * 0.5;
    }
}
