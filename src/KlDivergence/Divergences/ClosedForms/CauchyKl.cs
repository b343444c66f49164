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
    public static Tensor CauchyCauchy(Cauchy p, Cauchy q) =>
        (((p.Scale - q.Scale).Square() + (p.Loc - q.Loc).Square()) / (p.Scale * q.Scale * 4.0)).Log1p();
}
