using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Normal"/>.</summary>
internal static class NormalKl
{
    public static Tensor NormalNormal(Normal p, Normal q) => Elementwise(p.Loc, p.Scale, q.Loc, q.Scale);

    /// <summary>The univariate normal KL element by element over broadcast parameter tensors.</summary>
    public static Tensor Elementwise(Tensor loc1, Tensor scale1, Tensor loc2, Tensor scale2) =>
        ClosedFormEvaluator.Evaluate(loc1, scale1, loc2, scale2, NormalNormal<Real>, NormalNormal<Tensor>);

    /// <summary>
    /// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½((μ₁ - μ₂)/σ₂)² + ½(r² - 1) - log r with r = σ₁/σ₂
    /// (e.g. Bishop, PRML, exercise 1.30). With ℓ = log r = log1p((σ₁ - σ₂)/σ₂) (exact difference when the scales
    /// are close) the scale terms are ½(e^{2ℓ} - 1 - 2ℓ), one cancellation-free function, so nearly equal scales
    /// lose no digits.
    /// </summary>
    private static T NormalNormal<T>(T loc1, T scale1, T loc2, T scale2)
        where T : IRealArithmetic<T>
    {
        T twiceLogRatio = T.Log1p((scale1 - scale2) / scale2) * 2.0;
        T scaledDifference = (loc1 - loc2) / scale2;
        return (T.Square(scaledDifference) + T.Expm1MinusX(twiceLogRatio)) * 0.5;
    }
}
