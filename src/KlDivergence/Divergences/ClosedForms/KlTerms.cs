using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// Pieces shared by the cross-family closed forms. KL(p ‖ q) = -H(p) + H×(p, q), and the cross-entropy
/// H×(p, q) = -E_p[log q(X)] of each q family needs only a few moments of p (derived from q's log-density):
/// Normal: log σ + ½ log 2π + (Var X + (E X - μ)²)/(2σ²); Exponential: -log λ + λ E X;
/// Gamma: -α log β + log Γ(α) - (α - 1) E log X + β E X; Gumbel: log β + (E X - μ)/β + e^{μ/β} E e^{-X/β}.
/// </summary>
internal static class KlTerms
{
    /// <summary>+∞ of the broadcast batch shape: p puts mass where q has none.</summary>
    public static Tensor Infinite(Distribution p, Distribution q) =>
        Tensor.Full(double.PositiveInfinity, Shapes.Broadcast(p.BatchShapeArray, q.BatchShapeArray));

    /// <summary>+∞ where <paramref name="outside"/> is non-zero (p's support not inside q's), else the value.</summary>
    public static Tensor InfiniteWhere(Tensor outside, Tensor value) => TensorOps.Where(outside, double.PositiveInfinity, value);

    public static Tensor NormalCrossEntropy(Tensor mean, Tensor variance, Normal q) =>
        q.Scale.Log() + ScalarMath.LogSqrtTwoPi + ((variance + (mean - q.Loc).Square()) / (q.Scale.Square() * 2.0));

    public static Tensor ExponentialCrossEntropy(Tensor mean, Exponential q) => (q.Rate * mean) - q.Rate.Log();

    public static Tensor GammaCrossEntropy(Tensor mean, Tensor meanLog, Gamma q) =>
        q.Concentration.LogGamma() - (q.Concentration * q.Rate.Log()) - ((q.Concentration - 1.0) * meanLog) + (q.Rate * mean);

    /// <summary>Gumbel cross-entropy given E X and log E[e^{-X/β}] (β the Gumbel scale).</summary>
    public static Tensor GumbelCrossEntropy(Tensor mean, Tensor logMeanExpNegative, Gumbel q) =>
        q.Scale.Log() + ((mean - q.Loc) / q.Scale) + ((q.Loc / q.Scale) + logMeanExpNegative).Exp();

    /// <summary>Continuous Bernoulli cross-entropy: -log C(λ) - E X log λ - (1 - E X) log(1 - λ).</summary>
    public static Tensor ContinuousBernoulliCrossEntropy(Tensor mean, ContinuousBernoulli q) =>
        -q.LogNormalizer - (mean * q.Probs.Log()) - ((1.0 - mean) * (-q.Probs).Log1p());

    /// <summary>E[X log X] terms for a uniform on [l, h]: E log X = (h log h - l log l)/(h - l) - 1 (0 log 0 = 0).</summary>
    public static Tensor UniformMeanLog(Tensor low, Tensor high) =>
        ((FamilyHelpers.XLogX(high) - FamilyHelpers.XLogX(low)) / (high - low)) - 1.0;
}
