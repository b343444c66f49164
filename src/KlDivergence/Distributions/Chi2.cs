using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The chi-squared distribution with k degrees of freedom, Gamma(k/2, rate ½):
/// log p(x) = (k/2 - 1) log x - x/2 - (k/2) log 2 - log Γ(k/2) for x &gt; 0. Every formula is the gamma's, reached
/// through <see cref="AsGamma"/> (as PyTorch's Chi2 subclasses Gamma), and so are its KL pairs.
/// </summary>
public sealed class Chi2 : Distribution
{
    /// <summary>Creates Chi2(df).</summary>
    /// <param name="df">The degrees of freedom k (positive, finite; need not be whole).</param>
    /// <exception cref="ArgumentOutOfRangeException">The degrees of freedom are out of range; the message names them and the value.</exception>
    public Chi2(Tensor df)
        : base(FamilyHelpers.ShapeOf(df, nameof(df)), [])
    {
        Df = ParameterChecks.Positive(df, nameof(Chi2), nameof(df));
        AsGamma = new Gamma(Df * 0.5, 0.5);
    }

    /// <summary>The degrees of freedom k.</summary>
    public Tensor Df { get; }

    /// <summary>(0, ∞).</summary>
    public override Support Support => AsGamma.Support;

    /// <summary>The positive reals (0, ∞).</summary>
    public override Constraint SupportConstraint => Constraint.Positive;

    /// <summary>That of its gamma, Gamma(k/2, 1/2).</summary>
    public override TailProfile? Tails => AsGamma.Tails;

    /// <summary>k.</summary>
    public override Tensor Mean => AsGamma.Mean;

    /// <summary>2k.</summary>
    public override Tensor Variance => AsGamma.Variance;

    /// <summary>The same law as Gamma(k/2, ½), differentiable in k.</summary>
    internal Gamma AsGamma { get; }

    /// <summary>The Gamma(k/2, ½) log-density.</summary>
    public override Tensor LogProb(Tensor value) => AsGamma.LogProb(value);

    /// <summary>The Gamma(k/2, ½) entropy: k/2 + log 2 + log Γ(k/2) + (1 - k/2)ψ(k/2).</summary>
    public override Tensor Entropy() => AsGamma.Entropy();

    /// <summary>P(k/2, x/2) for x ≥ 0 (the regularised lower incomplete gamma function), else 0.</summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var inside = TensorOps.GreaterOrEqual(value, 0.0);
        var x = TensorOps.Where(inside, value, 0.0);
        return TensorOps.Where(inside, SpecialFunctionOps.GammaLowerRegularized(Df * 0.5, x * 0.5), 0.0);
    }

    /// <summary>Not reparameterised: <see cref="Gamma"/>'s sampler for Gamma(k/2, ½).</summary>
    protected override Tensor SampleCore(int count, RandomStream random) => AsGamma.Sample(count, random);
}
