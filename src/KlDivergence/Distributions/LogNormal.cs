using KlDivergence.Bijectors;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The log-normal distribution: Y = exp(X) with X ~ N(loc, scale²), a <see cref="TransformedDistribution"/> with
/// closed-form moments E[Y] = exp(μ + σ²/2), Var[Y] = (exp(σ²) - 1) exp(2μ + σ²) and entropy μ + ½ + log(σ√(2π)).
/// </summary>
public sealed class LogNormal : TransformedDistribution
{
    /// <summary>Creates LogNormal(loc, scale), the law of exp(X) for X ~ N(loc, scale²).</summary>
    public LogNormal(Tensor loc, Tensor scale)
        : base(new Normal(loc, scale), new ExpBijector())
    {
    }

    /// <summary>The underlying normal's mean μ.</summary>
    public Tensor Loc => ((Normal)BaseDistribution).Loc;

    /// <summary>The underlying normal's standard deviation σ.</summary>
    public Tensor Scale => ((Normal)BaseDistribution).Scale;

    /// <inheritdoc/>
    public override string FamilyName => nameof(LogNormal);

    /// <summary>Lebesgue on (0, ∞); log p ≈ -(log x)²/2σ² on the right: every moment exists, but no power decay; bounded density.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.SlowerThanAnyPower);

    /// <inheritdoc/>
    public override Tensor Mean => (Loc + (Scale.Square() * 0.5)).Exp().BroadcastTo(BatchShapeArray);

    /// <inheritdoc/>
    public override Tensor Variance => (Scale.Square().Expm1() * ((Loc * 2.0) + Scale.Square()).Exp()).BroadcastTo(BatchShapeArray);

    /// <summary>H = μ + ½ + log σ + ½ log 2π (the normal's entropy plus E[X]).</summary>
    public override Tensor Entropy() => (Loc + BaseDistribution.Entropy()).BroadcastTo(BatchShapeArray);

    /// <summary>Φ((log y - μ)/σ) for y &gt; 0, 0 otherwise.</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var positive = TensorOps.GreaterThan(value, 0.0);
        var safe = TensorOps.Where(positive, value, 1.0);
        return TensorOps.Where(positive, BaseDistribution.Cdf(safe.Log()), 0.0);
    }
}
