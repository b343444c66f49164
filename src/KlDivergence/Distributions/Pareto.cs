using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The Pareto (type I) distribution with scale (minimum) xₘ and shape α:
/// log p(x) = log α + α log xₘ - (α + 1) log x for x ≥ xₘ.
/// </summary>
public sealed class Pareto : Distribution
{
    /// <summary>Creates Pareto(scale, alpha).</summary>
    /// <param name="scale">The scale xₘ, the lower end of the support (positive, finite).</param>
    /// <param name="alpha">The shape (tail index) α (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public Pareto(Tensor scale, Tensor alpha)
        : base(ParameterChecks.BroadcastParameters(nameof(Pareto), scale, nameof(scale), alpha, nameof(alpha)), [])
    {
        Scale = ParameterChecks.Positive(scale, nameof(Pareto), nameof(scale));
        Alpha = ParameterChecks.Positive(alpha, nameof(Pareto), nameof(alpha));
        Support = new Support(false, Scale.Detach().BroadcastTo(BatchShapeArray), double.PositiveInfinity, "[scale, ∞)");
    }

    /// <summary>The scale xₘ.</summary>
    public Tensor Scale { get; }

    /// <summary>The shape α.</summary>
    public Tensor Alpha { get; }

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>[xₘ, ∞).</summary>
    public override Support Support { get; }

    /// <summary>[scale, ∞), with the scale tensor as given so that its gradient flows through the default bijector.</summary>
    public override Constraint SupportConstraint => Constraint.GreaterThanOrEqual(Scale);

    /// <summary>Lebesgue on [xₘ, ∞); density ~ x^-(α+1): E Xʳ is finite exactly for r &lt; α.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support, Tail.Bounded, Tail.Polynomial(Alpha));

    /// <summary>αxₘ/(α - 1) for α &gt; 1, else +∞.</summary>
    public override Tensor Mean
    {
        get
        {
            var finite = TensorOps.GreaterThan(Alpha, 1.0);
            var a = TensorOps.Where(finite, Alpha, 2.0);
            return TensorOps.Where(finite, a * Scale / (a - 1.0), double.PositiveInfinity).BroadcastTo(BatchShapeArray);
        }
    }

    /// <summary>xₘ²α/((α - 1)²(α - 2)) for α &gt; 2, else +∞.</summary>
    public override Tensor Variance
    {
        get
        {
            var finite = TensorOps.GreaterThan(Alpha, 2.0);
            var a = TensorOps.Where(finite, Alpha, 3.0);
            return TensorOps.Where(finite, Scale.Square() * a / ((a - 1.0).Square() * (a - 2.0)), double.PositiveInfinity).BroadcastTo(BatchShapeArray);
        }
    }

    /// <summary>E[log X] = log xₘ + 1/α.</summary>
    internal Tensor MeanLog => Scale.Log() + Alpha.Reciprocal();

    /// <summary>log α + α log xₘ - (α + 1) log x for x ≥ xₘ, else -∞.</summary>
    public override Tensor LogProb(Tensor value) =>
        FamilyHelpers.Masked(
            value,
            TensorOps.GreaterOrEqual(value, Scale),
            1.0,
            x => Alpha.Log() + (Alpha * Scale.Log()) - ((Alpha + 1.0) * x.Log()));

    /// <summary>Differential entropy log(xₘ/α) + 1 + 1/α.</summary>
    public override Tensor Entropy() => ((Scale / Alpha).Log() + Alpha.Reciprocal() + 1.0).BroadcastTo(BatchShapeArray);

    /// <summary>1 - (xₘ/x)^α for x ≥ xₘ, else 0.</summary>
    public override Tensor Cdf(Tensor value)
    {
        var inside = TensorOps.GreaterOrEqual(value, Scale);
        var x = TensorOps.Where(inside, value, Scale);
        return TensorOps.Where(inside, -(Alpha * (Scale / x).Log()).Expm1(), 0.0);
    }

    /// <summary>Reparameterised by the inverse CDF: xₘ e^{E/α} with E = -log U standard exponential.</summary>
    protected override Tensor SampleCore(int count, RandomStream random) =>
        Scale * (-StandardNoise.Uniform(random, SampleShape(count)).Log() / Alpha).Exp();
}
