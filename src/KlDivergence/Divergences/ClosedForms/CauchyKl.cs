using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Cauchy"/>.</summary>
internal static class CauchyKl
{
    public static void Register(KlRegistry registry) => registry.Register<Cauchy, Cauchy>(CauchyCauchy);

    /// <summary>
    /// KL = log(((γp + γq)² + (x₀p - x₀q)²)/(4γpγq)) (Chyzak &amp; Nielsen 2019, "A closed-form formula for the
    /// Kullback–Leibler divergence between Cauchy distributions"; PyTorch _kl_cauchy_cauchy). Written as
    /// log1p(((γp - γq)² + (x₀p - x₀q)²)/(4γpγq)), exact near zero.
    /// </summary>
    public static Tensor CauchyCauchy(Cauchy p, Cauchy q) => Divergence(p.Loc - q.Loc, p.Scale, q.Scale);

    /// <summary>The formula above from the location difference x₀p - x₀q and the two scales.</summary>
    public static Tensor Divergence(Tensor locDifference, Tensor scaleP, Tensor scaleQ) =>
        (((scaleP - scaleQ).Square() + locDifference.Square()) / (scaleP * scaleQ * 4.0)).Log1p();
}
