using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The F distribution with d₁ and d₂ degrees of freedom, the law of (V₁/d₁)/(V₂/d₂) for independent V₁ ~ χ²(d₁),
/// V₂ ~ χ²(d₂): log p(x) = ½d₁ log(d₁/d₂) + (½d₁ - 1) log x - ½(d₁ + d₂) log(1 + d₁x/d₂) - log B(d₁/2, d₂/2) for x &gt; 0.
/// Its mean is finite for d₂ &gt; 2 and its variance for d₂ &gt; 4 (+∞ otherwise).
/// </summary>
public sealed class FisherSnedecor : Distribution
{
    /// <summary>Creates FisherSnedecor(df1, df2).</summary>
    /// <param name="df1">The numerator degrees of freedom d₁ (positive, finite).</param>
    /// <param name="df2">The denominator degrees of freedom d₂ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public FisherSnedecor(Tensor df1, Tensor df2)
        : base(ParameterChecks.BroadcastParameters(nameof(FisherSnedecor), df1, nameof(df1), df2, nameof(df2)), [])
    {
        Df1 = ParameterChecks.Positive(df1, nameof(FisherSnedecor), nameof(df1));
        Df2 = ParameterChecks.Positive(df2, nameof(FisherSnedecor), nameof(df2));
    }

    /// <summary>The numerator degrees of freedom d₁.</summary>
    public Tensor Df1 { get; }

    /// <summary>The denominator degrees of freedom d₂.</summary>
    public Tensor Df2 { get; }

    /// <summary>(0, ∞).</summary>
    public override Support Support { get; } = new(false, 0.0, double.PositiveInfinity, "positive reals");

    /// <summary>The positive reals (0, ∞).</summary>
    public override Constraint SupportConstraint => Constraint.Positive;

    /// <summary>
    /// Lebesgue on (0, ∞); the density falls like x^-(d₂/2 + 1) on the right, so E X^r is finite exactly for r &lt; d₂/2;
    /// it behaves like x^(d₁/2 - 1) at 0, so it is bounded only for d₁ ≥ 2.
    /// </summary>
    public override TailProfile? Tails =>
        TailProfile.Univariate(Support, Tail.Bounded, Tail.Polynomial(Df2 * 0.5), FamilyHelpers.AllAtLeast(Df1, 2.0));

    /// <summary>d₂/(d₂ - 2) for d₂ &gt; 2, +∞ otherwise.</summary>
    public override Tensor Mean
    {
        get
        {
            var finite = TensorOps.GreaterThan(Df2, 2.0);
            var d2 = TensorOps.Where(finite, Df2, 3.0);
            return TensorOps.Where(finite, d2 / (d2 - 2.0), double.PositiveInfinity).BroadcastTo(BatchShapeArray);
        }
    }

    /// <summary>2d₂²(d₁ + d₂ - 2)/(d₁(d₂ - 2)²(d₂ - 4)) for d₂ &gt; 4, +∞ otherwise.</summary>
    public override Tensor Variance
    {
        get
        {
            var finite = TensorOps.GreaterThan(Df2, 4.0);
            var d2 = TensorOps.Where(finite, Df2, 5.0);
            var value = d2.Square() * 2.0 * (Df1 + d2 - 2.0) / (Df1 * (d2 - 2.0).Square() * (d2 - 4.0));
            return TensorOps.Where(finite, value, double.PositiveInfinity).BroadcastTo(BatchShapeArray);
        }
    }

    /// <summary>½d₁ log(d₁/d₂) + (½d₁ - 1) log x - ½(d₁ + d₂) log1p(d₁x/d₂) - log B(d₁/2, d₂/2) for x &gt; 0, else -∞.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            DensityInterval.Above(0.0),
            1.0,
            x =>
            {
                var a = Df1 * 0.5;
                var b = Df2 * 0.5;
                return (a * (Df1 / Df2).Log()) + ((a - 1.0) * x.Log()) - ((a + b) * (Df1 * x / Df2).Log1p()) - LogBeta(a, b);
            });

    /// <summary>
    /// Differential entropy log B(α, β) + log(d₂/d₁) + (1 - α)ψ(α) - (1 + β)ψ(β) + (α + β)ψ(α + β) with α = d₁/2,
    /// β = d₂/2: X = (d₂/d₁)·B/(1 - B) for B ~ Beta(α, β), and the beta-prime entropy follows from E log B and E log(1 - B).
    /// </summary>
    public override Tensor Entropy()
    {
        var a = Df1 * 0.5;
        var b = Df2 * 0.5;
        return (LogBeta(a, b) + (Df2 / Df1).Log() + ((1.0 - a) * a.Digamma()) - ((1.0 + b) * b.Digamma()) + ((a + b) * (a + b).Digamma()))
            .BroadcastTo(BatchShapeArray);
    }

    /// <summary>I_{d₁x/(d₁x + d₂)}(d₁/2, d₂/2) for x ≥ 0 (I the regularised incomplete beta function), else 0.</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var inside = TensorOps.GreaterThan(value, 0.0);
        var x = TensorOps.Where(inside, value, 1.0);
        var t = Df1 * x / ((Df1 * x) + Df2);
        return TensorOps.Where(inside, SpecialFunctionOps.BetaRegularized(Df1 * 0.5, Df2 * 0.5, t), 0.0);
    }

    /// <summary>Not reparameterised: (V₁/d₁)/(V₂/d₂) with V₁/d₁ ~ Gamma(d₁/2, rate d₁/2) drawn by <see cref="Gamma"/>'s sampler.</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var d1 = Df1.BroadcastTo(BatchShapeArray) * 0.5;
        var d2 = Df2.BroadcastTo(BatchShapeArray) * 0.5;
        var numerator = new Gamma(d1, d1).Sample(count, random);
        var denominator = new Gamma(d2, d2).Sample(count, random);
        return numerator / denominator;
    }

    private static Tensor LogBeta(Tensor a, Tensor b) => a.LogGamma() + b.LogGamma() - (a + b).LogGamma();
}
