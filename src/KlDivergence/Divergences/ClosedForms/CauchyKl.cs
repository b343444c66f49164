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
    public static Tensor CauchyCauchy(Cauchy p, Cauchy q)
    {
        var useSeries = RatioInRange(p, q);
        var pScale = TensorOps.Where(useSeries, p.Scale, q.Scale);
        var pLoc = TensorOps.Where(useSeries, p.Loc, q.Loc);
        var x = Argument(pScale, pLoc, q.Scale, q.Loc);
        var half = (p.Scale * 0.5) + (q.Scale * 0.5);
        var farValue = (half.Log() * 2.0) + ((((p.Loc * 0.5) - (q.Loc * 0.5)) / half).Square().Log1p()) - p.Scale.Log() - q.Scale.Log();
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
    private static Tensor RatioInRange(Cauchy p, Cauchy q)
    {
        using var scope = Tensor.NoGrad();
        var x = Argument(p.Scale, p.Loc, q.Scale, q.Loc);
        return TensorOps.GreaterOrEqual(1e300, x);
    }
}
