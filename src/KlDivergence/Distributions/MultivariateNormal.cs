using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The multivariate normal distribution N(μ, Σ) over vectors of length d (event shape [d]), batched over the
/// broadcast of loc's leading dimensions and the matrix's leading dimensions. It keeps one canonical lower-triangular
/// Cholesky factor L (Σ = L Lᵀ, Lᵢᵢ &gt; 0) and derives Σ and the precision Σ⁻¹ from it on demand:
/// log p(x) = -½‖L⁻¹(x - μ)‖² - Σᵢ log Lᵢᵢ - (d/2) log 2π.
/// </summary>
/// <remarks>
/// Formulas: Bishop (2006), Pattern Recognition and Machine Learning, §2.3, eq. (2.43); entropy from Cover and
/// Thomas (2006), Elements of Information Theory, Theorem 8.4.1. Parameterisation after torch.distributions
/// MultivariateNormal (one scale_tril, lazily derived covariance and precision).
/// </remarks>
public sealed class MultivariateNormal : Distribution, IHasCovariance
{
    private readonly Tensor? givenCovariance;
    private readonly Tensor? givenPrecision;
    private Tensor? covarianceCache;
    private Tensor? precisionCache;

    private MultivariateNormal(Tensor loc, Tensor scaleTril, Tensor? covariance, Tensor? precision, int[] batchShape)
        : base(batchShape, [loc.ShapeArray[^1]])
    {
        Loc = loc;
        ScaleTril = scaleTril;
        givenCovariance = covariance;
        givenPrecision = precision;
    }

    /// <summary>The mean μ as given, shape [..., d].</summary>
    public Tensor Loc { get; }

    /// <summary>Lebesgue measure on ℝᵈ (multivariate: no tails).</summary>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Lebesgue);

    /// <summary>The lower-triangular Cholesky factor L of Σ = L Lᵀ (positive diagonal), shape [..., d, d].</summary>
    public Tensor ScaleTril { get; }

    /// <summary>The covariance matrix Σ = L Lᵀ (the given one when built from a covariance), computed once.</summary>
    public Tensor CovarianceMatrix => givenCovariance ?? Cached(ref covarianceCache, () => ScaleTril.MatMul(ScaleTril.Transpose()));

    /// <summary>
    /// The precision matrix Σ⁻¹ = L⁻ᵀ L⁻¹ (the given one when built from a precision), computed once by triangular
    /// solves against the identity, never by a general inverse.
    /// </summary>
    public Tensor PrecisionMatrix => givenPrecision ?? Cached(ref precisionCache, () =>
    {
        var inverse = LinearAlgebraOps.TriangularSolve(ScaleTril, ScaleMatrices.Identity(Dimension), lower: true);
        return inverse.Transpose().MatMul(inverse);
    });

    /// <summary>Cov[X] = Σ, shape [...BatchShape, d, d] (same as <see cref="CovarianceMatrix"/>).</summary>
    public Tensor Covariance => CovarianceMatrix.BroadcastTo([.. BatchShapeArray, Dimension, Dimension]);

    /// <summary>The dimension d of the event.</summary>
    public int Dimension => EventShapeArray[0];

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>E[X] = μ, shape [...BatchShape, d].</summary>
    public override Tensor Mean => Loc.BroadcastTo([.. BatchShapeArray, Dimension]);

    /// <summary>Var[Xᵢ] = Σᵢᵢ = Σⱼ Lᵢⱼ², shape [...BatchShape, d].</summary>
    public override Tensor Variance => ScaleTril.Square().Sum(-1).BroadcastTo([.. BatchShapeArray, Dimension]);

    /// <summary>Creates N(μ, Σ) from a symmetric positive-definite covariance matrix Σ (factorised once by Cholesky).</summary>
    /// <param name="loc">The mean μ, shape [..., d], finite.</param>
    /// <param name="covarianceMatrix">Σ, shape [..., d, d], symmetric within a relative 1e-10 and positive definite.</param>
    /// <exception cref="ArgumentException">Shapes do not match, or Σ is not symmetric.</exception>
    /// <exception cref="NotPositiveDefiniteException">Σ is not positive definite; names the parameter and the pivot.</exception>
    public static MultivariateNormal FromCovariance(Tensor loc, Tensor covarianceMatrix)
    {
        int[] batch = CheckShapes(loc, covarianceMatrix, nameof(covarianceMatrix));
        var l = ScaleMatrices.FromCovariance(covarianceMatrix, nameof(MultivariateNormal), nameof(covarianceMatrix));
        return new MultivariateNormal(loc, l, covarianceMatrix, null, batch);
    }

    /// <summary>Creates N(μ, L Lᵀ) from a lower-triangular factor L with a positive diagonal.</summary>
    /// <param name="loc">The mean μ, shape [..., d], finite.</param>
    /// <param name="scaleTril">L, shape [..., d, d]: zero above the diagonal, positive finite diagonal.</param>
    /// <exception cref="ArgumentException">Shapes do not match, or L has a non-zero entry above the diagonal.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A diagonal entry is not positive, or an entry is not finite.</exception>
    public static MultivariateNormal FromScaleTril(Tensor loc, Tensor scaleTril)
    {
        int[] batch = CheckShapes(loc, scaleTril, nameof(scaleTril));
        ScaleMatrices.FromScaleTril(scaleTril, nameof(MultivariateNormal), nameof(scaleTril));
        return new MultivariateNormal(loc, scaleTril, null, null, batch);
    }

    /// <summary>
    /// Creates N(μ, P⁻¹) from a symmetric positive-definite precision matrix P; L comes from one triangular solve,
    /// with no general inverse (see <see cref="ScaleMatrices.FromPrecision"/>).
    /// </summary>
    /// <param name="loc">The mean μ, shape [..., d], finite.</param>
    /// <param name="precisionMatrix">P, shape [..., d, d], symmetric within a relative 1e-10 and positive definite.</param>
    /// <exception cref="ArgumentException">Shapes do not match, or P is not symmetric.</exception>
    /// <exception cref="NotPositiveDefiniteException">P is not positive definite; names the parameter and the pivot.</exception>
    public static MultivariateNormal FromPrecision(Tensor loc, Tensor precisionMatrix)
    {
        int[] batch = CheckShapes(loc, precisionMatrix, nameof(precisionMatrix));
        var l = ScaleMatrices.FromPrecision(precisionMatrix, nameof(MultivariateNormal), nameof(precisionMatrix));
        return new MultivariateNormal(loc, l, null, precisionMatrix, batch);
    }

    /// <summary>
    /// log p(x) = -½‖L⁻¹(x - μ)‖² - Σᵢ log Lᵢᵢ - (d/2) log 2π, by one fused forward substitution per point
    /// (<see cref="MultivariateNormalOps.LogDensity"/>); shape broadcast of the value's leading dimensions and BatchShape.
    /// </summary>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int d = Dimension;
        if (value.Rank == 0 || value.ShapeArray[^1] != d)
        {
            throw new ArgumentException($"{nameof(MultivariateNormal)}: a value of shape {Shapes.Format(value.ShapeArray)} does not end in the event dimension {d}.", nameof(value));
        }

        return MultivariateNormalOps.LogDensity(value, Loc, ScaleTril);
    }

    /// <summary>
    /// A mixture of this batch of K normals (loc [K, d], scaleTril [K, d, d], one weight vector [K]) by one fused op
    /// (<see cref="MultivariateNormalOps.MixtureLogDensity"/>, bit-equal to the general form); any other layout goes
    /// the general way.
    /// </summary>
    public override Tensor MixtureLogProb(Tensor value, Tensor logWeights)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(logWeights);
        int k = BatchShapeArray.Length == 1 ? BatchShapeArray[0] : 0;
        bool fused = k > 0 && Loc.Rank == 2 && Loc.ShapeArray[0] == k && ScaleTril.Rank == 3 && ScaleTril.ShapeArray[0] == k
            && logWeights.Rank == 1 && logWeights.Length == k && value.Rank >= 1 && value.ShapeArray[^1] == Dimension;
        return fused ? MultivariateNormalOps.MixtureLogDensity(value, logWeights, Loc, ScaleTril) : base.MixtureLogProb(value, logWeights);
    }

    /// <summary>Differential entropy H = ½ d (1 + log 2π) + Σᵢ log Lᵢᵢ (= ½ log det(2πe Σ)).</summary>
    public override Tensor Entropy() =>
        (HalfLogDet() + (Dimension * (0.5 + ScalarMath.LogSqrtTwoPi))).BroadcastTo(BatchShapeArray);

    /// <summary>Reparameterised: μ + L ε with ε ~ N(0, I_d).</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int[] shape = SampleShape(count);
        var eps = StandardNoise.Normal(random, shape);
        return MultivariateNormalOps.Affine(Loc, ScaleTril, eps);
    }

    private static int[] CheckShapes(Tensor? loc, Tensor? matrix, string matrixName)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(matrix, matrixName);
        ParameterChecks.Finite(loc, nameof(MultivariateNormal), nameof(loc));
        if (loc.Rank < 1 || loc.ShapeArray[^1] < 1)
        {
            throw new ArgumentException($"{nameof(MultivariateNormal)}: loc must have shape [..., d] with d ≥ 1, got {Shapes.Format(loc.ShapeArray)}.", nameof(loc));
        }

        int d = loc.ShapeArray[^1];
        if (matrix.Rank < 2 || matrix.ShapeArray[^1] != d || matrix.ShapeArray[^2] != d)
        {
            throw new ArgumentException(
                $"{nameof(MultivariateNormal)}: {matrixName} must have shape [..., {d}, {d}] to match loc {Shapes.Format(loc.ShapeArray)}, got {Shapes.Format(matrix.ShapeArray)}.", matrixName);
        }

        if (loc.Rank == 1 && matrix.Rank == 2)
        {
            // One distribution (the common case): no batch shapes to slice and broadcast.
            return [];
        }

        try
        {
            return Shapes.Broadcast(loc.ShapeArray[..^1], matrix.ShapeArray[..^2]);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"{nameof(MultivariateNormal)}: the batch shapes of loc {Shapes.Format(loc.ShapeArray)} and {matrixName} {Shapes.Format(matrix.ShapeArray)} do not broadcast.", matrixName, e);
        }
    }

    private Tensor HalfLogDet() => ScaleTril.Diagonal().Log().Sum(-1);

    private Tensor Cached(ref Tensor? cache, Func<Tensor> compute)
    {
        // A value computed under Tensor.NoGrad() carries no graph; recompute it once gradients are wanted again.
        if (cache is null || (Tensor.IsGradEnabled && ScaleTril.RequiresGrad && !cache.RequiresGrad))
        {
            cache = compute();
        }

        return cache;
    }
}
