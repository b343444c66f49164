using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// A multivariate normal whose covariance is low rank plus diagonal, Σ = W Wᵀ + diag(D), with W of shape
/// [..., d, r] and D &gt; 0 of shape [..., d]. Sampling uses the structure (μ + Wε₁ + √D ε₂, reparameterised);
/// densities and KL go through the Cholesky factor of Σ, computed once (O(d³): exact, not the Woodbury shortcut).
/// </summary>
public sealed class LowRankMultivariateNormal : Distribution, IHasCovariance
{
    private readonly MultivariateNormal full;

    /// <summary>Creates N(loc, covFactor covFactorᵀ + diag(covDiag)).</summary>
    /// <exception cref="ArgumentException">Shapes do not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A diagonal entry is not positive, or an entry is not finite.</exception>
    public LowRankMultivariateNormal(Tensor loc, Tensor covFactor, Tensor covDiag)
        : this(Build(loc, covFactor, covDiag), loc, covFactor, covDiag)
    {
    }

    private LowRankMultivariateNormal(MultivariateNormal full, Tensor loc, Tensor covFactor, Tensor covDiag)
        : base(full.BatchShapeArray, full.EventShapeArray)
    {
        this.full = full;
        Loc = loc;
        CovarianceFactor = covFactor;
        CovarianceDiagonal = covDiag;
    }

    /// <summary>The mean μ.</summary>
    public Tensor Loc { get; }

    /// <summary>The factor W of Σ = W Wᵀ + diag(D), shape [..., d, r].</summary>
    public Tensor CovarianceFactor { get; }

    /// <summary>The diagonal D of Σ = W Wᵀ + diag(D), shape [..., d].</summary>
    public Tensor CovarianceDiagonal { get; }

    /// <summary>The factor W, shape [..., d, r] (the abbreviated name; use <see cref="CovarianceFactor"/>).</summary>
    [Obsolete("Use CovarianceFactor (the .NET naming guidelines spell words out). CovFactor will be removed in a later version.")]
    public Tensor CovFactor => CovarianceFactor;

    /// <summary>The diagonal D, shape [..., d] (the abbreviated name; use <see cref="CovarianceDiagonal"/>).</summary>
    [Obsolete("Use CovarianceDiagonal (the .NET naming guidelines spell words out). CovDiag will be removed in a later version.")]
    public Tensor CovDiag => CovarianceDiagonal;

    /// <summary>Lebesgue measure on ℝᵈ (multivariate: no tails).</summary>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Lebesgue);

    /// <summary>The Cholesky factor of Σ.</summary>
    public Tensor ScaleTril => full.ScaleTril;

    /// <summary>Σ = W Wᵀ + diag(D).</summary>
    public Tensor CovarianceMatrix => full.CovarianceMatrix;

    /// <inheritdoc/>
    public Tensor Covariance => full.Covariance;

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <inheritdoc/>
    public override Tensor Mean => full.Mean;

    /// <summary>diag Σ = Σⱼ Wᵢⱼ² + Dᵢ.</summary>
    public override Tensor Variance => full.Variance;

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value) => full.LogProb(value);

    /// <inheritdoc/>
    public override Tensor Entropy() => full.Entropy();

    /// <summary>μ + W ε₁ + √D ⊙ ε₂ with ε₁ ~ N(0, I_r), ε₂ ~ N(0, I_d): covariance W Wᵀ + diag(D).</summary>
    /// <summary>loc, covFactor (W) and covDiag (D), as the constructor takes them.</summary>
    protected override IEnumerable<KeyValuePair<string, object?>> DisplayParameters() =>
        [new("loc", Loc), new("covFactor", CovarianceFactor), new("covDiag", CovarianceDiagonal)];

    /// <inheritdoc/>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int d = EventShapeArray[0], r = CovarianceFactor.Shape[^1];
        var e1 = StandardNoise.Normal(random, [count, .. BatchShapeArray, r, 1]);
        var e2 = StandardNoise.Normal(random, [count, .. BatchShapeArray, d]);
        return Loc + CovarianceFactor.MatMul(e1).Squeeze(-1) + (CovarianceDiagonal.Sqrt() * e2);
    }

    private static MultivariateNormal Build(Tensor loc, Tensor covFactor, Tensor covDiag)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(covFactor);
        ArgumentNullException.ThrowIfNull(covDiag);
        ParameterChecks.Finite(covFactor, nameof(LowRankMultivariateNormal), nameof(covFactor));
        ParameterChecks.Positive(covDiag, nameof(LowRankMultivariateNormal), nameof(covDiag));
        if (covFactor.Rank < 2 || loc.Rank < 1 || covFactor.Shape[^2] != loc.Shape[^1] || covDiag.Shape[^1] != loc.Shape[^1])
        {
            throw new ArgumentException(
                $"LowRankMultivariateNormal: loc [.., d], covFactor [.., d, r] and covDiag [.., d] must agree on d; got loc [{string.Join(", ", loc.Shape)}], covFactor [{string.Join(", ", covFactor.Shape)}], covDiag [{string.Join(", ", covDiag.Shape)}].",
                nameof(covFactor));
        }

        var covariance = covFactor.MatMul(covFactor.Transpose()) + covDiag.DiagEmbed();
        return MultivariateNormal.FromCovariance(loc, covariance);
    }
}
