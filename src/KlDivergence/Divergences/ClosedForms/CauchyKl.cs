using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Cauchy"/>.</summary>
internal static class CauchyKl
{
    public static void Register(KlRegistry registry) => registry.Register<Cauchy, Cauchy>(CauchyCauchy);

    /// <summary>
    /// KL = log(((γp + γq)² + (x₀p - x₀q)²)/(4γpγq)) (Chyzak &amp; Nielsen 2019, "A closed-form formula for the
    /// Kullback–Leibler divergence between Cauchy distributions"; PyTorch _kl_cauchy_cauchy). Written as log1p(X),
    /// X = (((γp - γq)/γq)² + ((x₀p - x₀q)/γq)²)/(4γp/γq), exact near zero and scaled by γq so that squares of huge
    /// parameters do not overflow; where X itself exceeds 1e300 (then KL &gt; 690 and nothing cancels), from logs:
    /// 2 log s + log1p((h/s)²) - log γp - log γq with s = (γp + γq)/2 and h = (x₀p - x₀q)/2 (halves cannot overflow).
    /// </summary>
    public static Tensor CauchyCauchy(Cauchy p, Cauchy q) => Divergence(p.Loc, p.Scale, q.Loc, q.Scale);

    /// <summary>The formula above from the two locations and scales (HalfCauchy uses it with both locations 0).</summary>
    public static Tensor Divergence(Tensor pLocation, Tensor pScaleValue, Tensor qLocation, Tensor qScaleValue)
    {
        var useSeries = RatioInRange(pLocation, pScaleValue, qLocation, qScaleValue);
        var pScale = TensorOps.Where(useSeries, pScaleValue, qScaleValue);
        var pLoc = TensorOps.Where(useSeries, pLocation, qLocation);
        var x = Argument(pScale, pLoc, qScaleValue, qLocation);
        var half = (pScaleValue * 0.5) + (qScaleValue * 0.5);
        var farValue = (half.Log() * 2.0) + ((((pLocation * 0.5) - (qLocation * 0.5)) / half).Square().Log1p()) - pScaleValue.Log() - qScaleValue.Log();
        return TensorOps.Where(useSeries, x.Log1p(), farValue);
    }

    /// <summary>X = (((γp - γq)/γq)² + ((x₀p - x₀q)/γq)²)/(4γp/γq), the location difference from halves.</summary>
    private static Tensor Argument(Tensor pScale, Tensor pLoc, Tensor qScale, Tensor qLoc)
    {
        var relative = (pScale - qScale) / qScale;
        var offset = ((pLoc * 0.5) - (qLoc * 0.5)) / qScale * 2.0;
        return (relative.Square() + offset.Square()) / (pScale / qScale * 4.0);
    }

    /// <summary>1 where X is at most 1e300 (log1p(X) is then accurate and finite), else 0 (no gradient).</summary>
    private static Tensor RatioInRange(Tensor pLoc, Tensor pScale, Tensor qLoc, Tensor qScale)
    {
        using var scope = Tensor.NoGrad();
        var x = Argument(pScale, pLoc, qScale, qLoc);
        return TensorOps.GreaterOrEqual(1e300, x);
    }
}
