using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>Closed-form KL divergences whose first argument is a <see cref="Weibull"/>.</summary>
internal static class WeibullKl
{
    public static void Register(KlRegistry registry) => registry.Register<Weibull, Weibull>(WeibullWeibull);

    /// <summary>
    /// KL = -H(p) + H×(p, q) with the Weibull cross-entropy -log kq + kq log λq - (kq - 1) E log X + λq^{-kq} E X^{kq},
    /// E log X = log λp - γ/kp and E X^{kq} = λp^{kq} Γ(1 + kq/kp) under p (Bauckhage 2013, "Computing the
    /// Kullback–Leibler divergence between two Weibull distributions", arXiv:1310.3713; TensorFlow Probability registers it).
    /// </summary>
    public static Tensor WeibullWeibull(Weibull p, Weibull q)
    {
        var meanLog = p.Scale.Log() - (FamilyHelpers.EulerGamma / p.Concentration);
        var powerMoment = ((q.Concentration * (p.Scale / q.Scale).Log()) + (1.0 + (q.Concentration / p.Concentration)).LogGamma()).Exp();
        var crossEntropy = (q.Concentration * q.Scale.Log()) - q.Concentration.Log() - ((q.Concentration - 1.0) * meanLog) + powerMoment;
        return crossEntropy - p.Entropy();
    }
}
