using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// Student's t distribution with ν degrees of freedom, location μ and scale σ:
/// log p(x) = log Γ((ν + 1)/2) - log Γ(ν/2) - ½ log(νπ) - log σ - (ν + 1)/2 · log(1 + z²/ν), z = (x - μ)/σ.
/// Its mean exists only for ν &gt; 1 and its variance only for ν &gt; 2 (NaN or +∞ otherwise, as in PyTorch).
/// </summary>
public sealed class StudentT : Distribution
{
    private const double LogPi = 1.1447298858494001741434273513530587;

    /// <summary>Creates StudentT(df, loc, scale).</summary>
    /// <param name="df">The degrees of freedom ν (positive, finite).</param>
    /// <param name="loc">The location μ (finite).</param>
    /// <param name="scale">The scale σ (positive, finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public StudentT(Tensor df, Tensor loc, Tensor scale)
        : base(ParameterChecks.BroadcastParameters(nameof(StudentT), df, nameof(df), loc, nameof(loc), scale, nameof(scale)), [])
    {
        Df = ParameterChecks.Positive(df, nameof(StudentT), nameof(df));
        Loc = ParameterChecks.Finite(loc, nameof(StudentT), nameof(loc));
        Scale = ParameterChecks.Positive(scale, nameof(StudentT), nameof(scale));
    }

    /// <summary>The degrees of freedom ν.</summary>
    public Tensor Df { get; }

    /// <summary>The location μ.</summary>
    public Tensor Loc { get; }

    /// <summary>The scale σ.</summary>
    public Tensor Scale { get; }

    /// <summary>Lebesgue on the real line; polynomial tails with moment index ν on both sides (E|X|^r finite exactly for r &lt; ν); bounded density.</summary>
    public override TailProfile? Tails => TailProfile.Univariate(Support.RealLine, Tail.Polynomial(Df), Tail.Polynomial(Df));

    /// <summary>
    /// True unless ν needs a gradient: samples μ + σ Z/√(V/ν) are differentiable in μ and σ, but the chi-squared
    /// draw V has no pathwise gradient in ν here.
    /// </summary>
    public override bool HasReparameterizedSample => !Df.RequiresGrad;

    /// <summary>μ for ν &gt; 1, NaN otherwise.</summary>
    public override Tensor Mean =>
        TensorOps.Where(TensorOps.GreaterThan(Df, 1.0), Loc.BroadcastTo(BatchShapeArray), double.NaN).BroadcastTo(BatchShapeArray);

    /// <summary>σ²ν/(ν - 2) for ν &gt; 2, +∞ for 1 &lt; ν ≤ 2, NaN for ν ≤ 1.</summary>
    public override Tensor Variance
    {
        get
        {
            var finite = TensorOps.GreaterThan(Df, 2.0);
            var safeDf = TensorOps.Where(finite, Df, 3.0);
            var value = Scale.Square() * safeDf / (safeDf - 2.0);
            var infinite = TensorOps.Where(TensorOps.GreaterThan(Df, 1.0), double.PositiveInfinity, double.NaN);
            return TensorOps.Where(finite, value, infinite).BroadcastTo(BatchShapeArray);
        }
    }

    /// <summary>log Γ((ν + 1)/2) - log Γ(ν/2) - ½ log(νπ) - log σ - (ν + 1)/2 · log1p(z²/ν).</summary>
    public override Tensor LogProb(Tensor value)
    {
        var z = (value - Loc) / Scale;
        var half = (Df + 1.0) * 0.5;
        return half.LogGamma() - (Df * 0.5).LogGamma() - ((Df.Log() + LogPi) * 0.5) - Scale.Log() - (half * (z.Square() / Df).Log1p());
    }

    /// <summary>
    /// H = (ν + 1)/2 · (ψ((ν + 1)/2) - ψ(ν/2)) + ½ log ν + log B(ν/2, ½) + log σ (e.g. Lazo &amp; Rathie 1978,
    /// "On the entropy of continuous probability distributions").
    /// </summary>
    public override Tensor Entropy()
    {
        var half = (Df + 1.0) * 0.5;
        var logBeta = (Df * 0.5).LogGamma() + (0.5 * LogPi) - half.LogGamma();
        return ((half * (half.Digamma() - (Df * 0.5).Digamma())) + (Df.Log() * 0.5) + logBeta + Scale.Log()).BroadcastTo(BatchShapeArray);
    }

    /// <summary>
    /// F(x) = 1 - ½ I_{ν/(ν + z²)}(ν/2, ½) for z ≥ 0 and ½ I_{ν/(ν + z²)}(ν/2, ½) for z &lt; 0 (Abramowitz &amp; Stegun
    /// 26.7.1), z = (x - μ)/σ; I is the regularised incomplete beta function.
    /// </summary>
    public override Tensor Cdf(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var z = (value - Loc) / Scale;
        var tail = SpecialFunctionOps.BetaRegularized(Df * 0.5, 0.5, Df / (Df + z.Square())) * 0.5;
        return TensorOps.Where(TensorOps.GreaterOrEqual(z, 0.0), 1.0 - tail, tail);
    }

    /// <summary>
    /// μ + σ Z/√(V/ν) with Z standard normal and V ~ χ²(ν) = Gamma(ν/2, rate ½), drawn by <see cref="Gamma"/>'s sampler.
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        Tensor chiSquared;
        using (Tensor.NoGrad())
        {
            chiSquared = new Gamma(Df.Detach().BroadcastTo(BatchShapeArray) * 0.5, 0.5).Sample(count, random);
        }

        var z = StandardNoise.Normal(random, shape);
        return Loc + (Scale * z / (chiSquared / Df).Sqrt());
    }
}
