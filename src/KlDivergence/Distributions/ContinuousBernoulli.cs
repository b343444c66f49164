using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem &amp; Cunningham, NeurIPS 2019):
/// p(x) = C(λ) λˣ (1 - λ)¹⁻ˣ with C(λ) = 2 atanh(1 - 2λ)/(1 - 2λ) = log((1 - λ)/λ)/(1 - 2λ), and C(½) = 2.
/// Near λ = ½ (|λ - ½| &lt; 0.01) the normaliser and moments use their Taylor series, so values and gradients
/// keep full precision where the exact expressions cancel.
/// </summary>
public sealed class ContinuousBernoulli : Distribution
{
    private const double TaylorHalfWidth = 0.01;

    /// <summary>Creates ContinuousBernoulli(probs).</summary>
    /// <param name="probs">The shape parameter λ, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A probability is out of range; the message names it and its value.</exception>
    public ContinuousBernoulli(Tensor probs)
        : base(FamilyHelpers.ShapeOf(probs, nameof(probs)), [])
    {
        Probs = FamilyHelpers.Probability(probs, nameof(ContinuousBernoulli), nameof(probs), allowZero: false, allowOne: false);
    }

    /// <summary>The shape parameter λ.</summary>
    public Tensor Probs { get; }

    /// <summary>[0, 1].</summary>
    public override Support Support { get; } = new(false, 0.0, 1.0, "unit interval");

    /// <summary>Lebesgue on [0, 1]; bounded on both sides, bounded density.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Bounded);

    /// <summary>
    /// λ/(2λ - 1) + 1/(2 atanh(1 - 2λ)); near ½, with x = λ - ½: ½ + x/3 + 16x³/45 + 704x⁵/945 (series derived from
    /// atanh y = y + y³/3 + y⁵/5 + y⁷/7 + ...).
    /// </summary>
    public override Tensor Mean
    {
        get
        {
            var (near, far) = Split();
            var x = Probs - 0.5;
            var taylor = 0.5 + (x * ((1.0 / 3) + (x.Square() * ((16.0 / 45) + (x.Square() * (704.0 / 945))))));
            var exact = (far / ((far * 2.0) - 1.0)) + LogOdds(far).Reciprocal();
            return TensorOps.Where(near, taylor, exact);
        }
    }

    /// <summary>
    /// λ(λ - 1)/(1 - 2λ)² + 1/log((1 - λ)/λ)²; near ½: 1/12 - x²/15 + 128x⁴/945 (as in PyTorch).
    /// </summary>
    public override Tensor Variance
    {
        get
        {
            var (near, far) = Split();
            var x2 = (Probs - 0.5).Square();
            var taylor = (1.0 / 12) - (x2 * ((1.0 / 15) - (x2 * (128.0 / 945))));
            var exact = (far * (far - 1.0) / (1.0 - (far * 2.0)).Square()) + LogOdds(far).Square().Reciprocal();
            return TensorOps.Where(near, taylor, exact);
        }
    }

    /// <summary>
    /// log C(λ). Away from ½: log(log1p(t/λ)/t) with t = 1 - 2λ; near ½: log 2 + t²/3 + 13t⁴/90 + 251t⁶/2835
    /// (series of log(2 atanh(t)/t), derived by hand).
    /// </summary>
    internal Tensor LogNormalizer
    {
        get
        {
            var (near, far) = Split();
            var t2 = (1.0 - (Probs * 2.0)).Square();
            var taylor = FamilyHelpers.Log2 + (t2 * ((1.0 / 3) + (t2 * ((13.0 / 90) + (t2 * (251.0 / 2835))))));
            var t = 1.0 - (far * 2.0);
            var exact = ((t / far).Log1p() / t).Log();
            return TensorOps.Where(near, taylor, exact);
        }
    }

    /// <summary>log C(λ) + x log λ + (1 - x) log(1 - λ) for 0 ≤ x ≤ 1, else -∞.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.Closed(0.0, 1.0),
            0.5,
            x => LogNormalizer + (x * Probs.Log()) + ((1.0 - x) * (-Probs).Log1p()));

    /// <summary>Differential entropy -log C(λ) - m log λ - (1 - m) log(1 - λ), m the mean.</summary>
    public override Tensor Entropy()
    {
        var m = Mean;
        return -LogNormalizer - (m * Probs.Log()) - ((1.0 - m) * (-Probs).Log1p());
    }

    /// <summary>
    /// (λˣ(1 - λ)¹⁻ˣ + λ - 1)/(2λ - 1) = (1 - λ)(1 - e^{-xL})/t with L = log((1 - λ)/λ) = log1p(t/λ), t = 1 - 2λ;
    /// x itself at λ = ½ (clamped to [0, 1] outside the support).
    /// </summary>
    public override Tensor Cdf(Tensor value)
    {
        var x = TensorOps.Where(TensorOps.LessThan(value, 0.0), 0.0, TensorOps.Where(TensorOps.GreaterThan(value, 1.0), 1.0, value));
        var half = TensorOps.EqualTo(Probs, 0.5);
        var lambda = TensorOps.Where(half, 0.25, Probs);
        var t = 1.0 - (lambda * 2.0);
        var cdf = (1.0 - lambda) * (-(-(x * (t / lambda).Log1p())).Expm1()) / t;

        // Exactly 1 from the top of the support on (the formula rounds to 1 - 1e-16 there).
        return TensorOps.Where(TensorOps.GreaterOrEqual(value, 1.0), 1.0, TensorOps.Where(half, x, cdf));
    }

    /// <summary>Inverse CDF x = log1p(-ut/(1 - λ))/(-L), u at λ = ½ (no gradient).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var p = Probs.Values.ToArray();
        var data = new double[Shapes.Size(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            double lambda = p[i % p.Length], u = random.NextDouble();
            double t = 1 - (2 * lambda);
            data[i] = t == 0 ? u : ScalarMath.Log1p(-u * t / (1 - lambda)) / -ScalarMath.Log1p(t / lambda);
        }

        return new Tensor(data, shape);
    }

    /// <summary>log((1 - λ)/λ) = log1p(t/λ).</summary>
    private static Tensor LogOdds(Tensor lambda) => ((1.0 - (lambda * 2.0)) / lambda).Log1p();

    /// <summary>The mask of λ within the Taylor window, and λ with those entries moved to a safe value (¼).</summary>
    private (Tensor Near, Tensor Far) Split()
    {
        var near = TensorOps.LessThan((Probs - 0.5).Abs(), TaylorHalfWidth);
        return (near, TensorOps.Where(near, 0.25, Probs));
    }
}
