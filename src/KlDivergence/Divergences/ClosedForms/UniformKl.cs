using KlDivergence.Distributions;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences.ClosedForms;

/// <summary>
/// Closed-form KL divergences whose first argument is a <see cref="Uniform"/> on [l, h] (as registered by PyTorch's
/// kl.py): KL = -log(h - l) + H×(p, q), +∞ where [l, h] is not inside q's support. Where the answer is +∞ the finite
/// formula is evaluated at safe stand-in bounds, so its (discarded) branch cannot put NaN into gradients.
/// </summary>
internal static class UniformKl
{
    public static void Register(KlRegistry registry)
    {
        registry.Register<Uniform, Uniform>(UniformUniform);
        registry.Register<Uniform, Beta>(UniformBeta);
        registry.Register<Uniform, ContinuousBernoulli>(UniformContinuousBernoulli);
        registry.Register<Uniform, Exponential>(UniformExponential);
        registry.Register<Uniform, Gamma>(UniformGamma);
        registry.Register<Uniform, Gumbel>(UniformGumbel);
        registry.Register<Uniform, Normal>(UniformNormal);
        registry.Register<Uniform, Pareto>(UniformPareto);
    }

    /// <summary>
    /// KL = log((hq - lq)/(hp - lp)) when [lp, hp] ⊆ [lq, hq], else +∞ (PyTorch _kl_uniform_uniform); the ratio of
    /// half-widths (finite for any finite bounds) through <see cref="ScaleRatio"/>, exact for nearly equal widths.
    /// </summary>
    public static Tensor UniformUniform(Uniform p, Uniform q) =>
        KlTerms.InfiniteWhere(
            TensorOps.LessThan(p.Low, q.Low) + TensorOps.GreaterThan(p.High, q.High),
            ScaleRatio.Log(q.HalfWidth, p.HalfWidth));

    /// <summary>
    /// KL = -log(h - l) + log B(α, β) - (α - 1) E log X - (β - 1) E log(1 - X) on [l, h] ⊆ [0, 1], with
    /// E log X = (h log h - l log l)/(h - l) - 1 and the mirror image for 1 - X (PyTorch _kl_uniform_beta).
    /// </summary>
    public static Tensor UniformBeta(Uniform p, Beta q)
    {
        var outside = TensorOps.LessThan(p.Low, 0.0) + TensorOps.GreaterThan(p.High, 1.0);
        var low = TensorOps.Where(outside, 0.25, p.Low);
        var high = TensorOps.Where(outside, 0.75, p.High);
        var meanLog = KlTerms.UniformMeanLog(low, high);
        var meanLog1m = KlTerms.UniformMeanLog(1.0 - high, 1.0 - low);
        var value = -(high - low).Log() + q.LogBeta - ((q.Concentration1 - 1.0) * meanLog) - ((q.Concentration0 - 1.0) * meanLog1m);
        return KlTerms.InfiniteWhere(outside, value);
    }

    /// <summary>KL = -log(h - l) - log C(λ) - m log λ - (1 - m) log(1 - λ), m = (l + h)/2, on [l, h] ⊆ [0, 1] (PyTorch _kl_uniform_continuous_bernoulli).</summary>
    public static Tensor UniformContinuousBernoulli(Uniform p, ContinuousBernoulli q) =>
        KlTerms.InfiniteWhere(
            TensorOps.LessThan(p.Low, 0.0) + TensorOps.GreaterThan(p.High, 1.0),
            -p.Entropy() + KlTerms.ContinuousBernoulliCrossEntropy(p.Mean, q));

    /// <summary>KL = -log(h - l) - log λ + λ(l + h)/2 when l ≥ 0, else +∞ (PyTorch _kl_uniform_exponetial).</summary>
    public static Tensor UniformExponential(Uniform p, Exponential q) =>
        KlTerms.InfiniteWhere(TensorOps.LessThan(p.Low, 0.0), -p.Entropy() + KlTerms.ExponentialCrossEntropy(p.Mean, q));

    /// <summary>KL = -log(h - l) + gamma cross-entropy with E log X = (h log h - l log l)/(h - l) - 1, when l ≥ 0 (PyTorch _kl_uniform_gamma).</summary>
    public static Tensor UniformGamma(Uniform p, Gamma q)
    {
        var outside = TensorOps.LessThan(p.Low, 0.0);
        var low = TensorOps.Where(outside, 0.0, p.Low);
        var high = TensorOps.Where(outside, 1.0, p.High);
        var value = -(high - low).Log() + KlTerms.GammaCrossEntropy((low + high) * 0.5, KlTerms.UniformMeanLog(low, high), q);
        return KlTerms.InfiniteWhere(outside, value);
    }

    /// <summary>
    /// KL = -log(h - l) + Gumbel cross-entropy with e^{μ/β} E e^{-X/β} = e^{(μ - l)/β}(1 - e^{-(h - l)/β}) β/(h - l)
    /// (PyTorch _kl_uniform_gumbel; written with expm1 for narrow intervals).
    /// </summary>
    public static Tensor UniformGumbel(Uniform p, Gumbel q)
    {
        var width = p.High - p.Low;
        var logMeanExp = (-(p.Low / q.Scale)) + (-(-(width / q.Scale)).Expm1()).Log() + (q.Scale / width).Log();
        return -width.Log() + KlTerms.GumbelCrossEntropy(p.Mean, logMeanExp, q);
    }

    /// <summary>KL = -log(h - l) + log σ + ½ log 2π + ((h - l)²/12 + ((l + h)/2 - μ)²)/(2σ²) (PyTorch _kl_uniform_normal).</summary>
    public static Tensor UniformNormal(Uniform p, Normal q) =>
        -p.Entropy() + KlTerms.NormalCrossEntropy(p.Mean, p.Variance, q);

    /// <summary>
    /// KL = -log(h - l) - log α - α log xₘ + (α + 1) E log X when l ≥ xₘ, else +∞ (PyTorch _kl_uniform_pareto).
    /// </summary>
    public static Tensor UniformPareto(Uniform p, Pareto q)
    {
        var outside = TensorOps.LessThan(p.Low, q.Scale);
        var low = TensorOps.Where(outside, q.Scale, p.Low);
        var high = TensorOps.Where(outside, q.Scale * 2.0, p.High);
        var value = -(high - low).Log() - q.Alpha.Log() - (q.Alpha * q.Scale.Log()) + ((q.Alpha + 1.0) * KlTerms.UniformMeanLog(low, high));
        return KlTerms.InfiniteWhere(outside, value);
    }
}
