using System.Globalization;
using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The Wishart distribution W(ν, S) over symmetric positive-definite d × d matrices (event shape [d, d]) with ν &gt; d - 1
/// degrees of freedom and scale matrix S = L Lᵀ: the law of Σₖ₌₁..ν zₖ zₖᵀ with zₖ ~ N(0, S) for whole ν. Its density,
/// with respect to Lebesgue measure on the d(d + 1)/2 entries on and below the diagonal, is
/// log p(X) = ((ν - d - 1)/2) log|X| - ½ tr(S⁻¹X) - (νd/2) log 2 - (ν/2) log|S| - log Γ_d(ν/2)
/// (Anderson 2003, An Introduction to Multivariate Statistical Analysis, Thm. 7.2.2; Γ_d the multivariate gamma).
/// Parameterised as torch.distributions.Wishart: one lower-triangular factor L, from a scale_tril, a covariance or a
/// precision matrix.
/// </summary>
public sealed class Wishart : Distribution
{
    /// <summary>How far X may be from symmetric (relative to its larger entry) for X to count as in the support.</summary>
    public const double SymmetryTolerance = 1e-10;

    /// <summary>How many times the sampler redraws a draw that rounds to a singular matrix before it gives up.</summary>
    public const int MaxRedraws = 100;

    private Wishart(Tensor df, Tensor scaleTril, int[] batchShape)
        : base(batchShape, [scaleTril.ShapeArray[^1], scaleTril.ShapeArray[^1]])
    {
        Df = df;
        ScaleTril = scaleTril;
    }

    /// <summary>The degrees of freedom ν, batch-broadcastable.</summary>
    public Tensor Df { get; }

    /// <summary>The lower-triangular factor L of the scale matrix S = L Lᵀ (positive diagonal), shape [..., d, d].</summary>
    public Tensor ScaleTril { get; }

    /// <summary>The scale matrix S = L Lᵀ.</summary>
    public Tensor CovarianceMatrix => ScaleTril.MatMul(ScaleTril.Transpose());

    /// <summary>The inverse scale matrix S⁻¹ = L⁻ᵀ L⁻¹, by triangular solves against the identity.</summary>
    public Tensor PrecisionMatrix
    {
        get
        {
            var inverse = LinearAlgebraOps.TriangularSolve(ScaleTril, ScaleMatrices.Identity(Dimension), lower: true);
            return inverse.Transpose().MatMul(inverse);
        }
    }

    /// <summary>The dimension d of the matrices.</summary>
    public int Dimension => EventShapeArray[0];

    /// <summary>
    /// True unless ν requires a gradient: the Bartlett draws are differentiable in L but not in ν (their chi-square
    /// diagonal has no reparameterisation here), so a ν that needs a gradient makes
    /// <see cref="Distribution.ReparameterizedSample"/> refuse rather than return a gradient missing ν's part.
    /// </summary>
    public override bool HasReparameterizedSample => !Df.RequiresGrad;

    /// <summary>Symmetric positive-definite matrices.</summary>
    public override Support Support { get; } = new(false, double.NegativeInfinity, double.PositiveInfinity, "positive-definite matrices");

    /// <summary>Symmetric positive-definite matrices (event rank 2).</summary>
    public override Constraint SupportConstraint => Constraint.PositiveDefinite;

    /// <summary>
    /// Lebesgue on the d(d + 1)/2 lower entries (matrix-valued: no tails). The density is bounded exactly when
    /// ν ≥ d + 1 (|X|^((ν - d - 1)/2) is unbounded near singular X otherwise).
    /// </summary>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Lebesgue, FamilyHelpers.AllAtLeast(Df, Dimension + 1.0));

    /// <summary>E[X] = ν S, shape [...BatchShape, d, d].</summary>
    public override Tensor Mean => (DfMatrix() * CovarianceMatrix).BroadcastTo([.. BatchShapeArray, Dimension, Dimension]);

    /// <summary>Var[Xᵢⱼ] = ν (Sᵢⱼ² + Sᵢᵢ Sⱼⱼ) (Anderson 2003, §7.3), shape [...BatchShape, d, d].</summary>
    public override Tensor Variance
    {
        get
        {
            var s = CovarianceMatrix;
            var diagonal = s.Diagonal();
            return (DfMatrix() * (s.Square() + (diagonal.Unsqueeze(-1) * diagonal.Unsqueeze(-2)))).BroadcastTo([.. BatchShapeArray, Dimension, Dimension]);
        }
    }

    /// <summary>Creates W(ν, L Lᵀ) from a lower-triangular factor L with a positive diagonal.</summary>
    /// <param name="df">The degrees of freedom ν, each greater than d - 1 and finite.</param>
    /// <param name="scaleTril">L, shape [..., d, d]: zero above the diagonal, positive finite diagonal.</param>
    /// <exception cref="ArgumentException">A parameter is out of range or shapes do not match; the message names it.</exception>
    public static Wishart FromScaleTril(Tensor df, Tensor scaleTril)
    {
        int[] batch = CheckShapes(df, scaleTril, nameof(scaleTril));
        return new Wishart(df, ScaleMatrices.FromScaleTril(scaleTril, nameof(Wishart), nameof(scaleTril)), batch);
    }

    /// <summary>Creates W(ν, S) from a symmetric positive-definite scale matrix S (factorised once by Cholesky).</summary>
    /// <param name="df">The degrees of freedom ν, each greater than d - 1 and finite.</param>
    /// <param name="covarianceMatrix">S, shape [..., d, d], symmetric within a relative 1e-10 and positive definite.</param>
    /// <exception cref="ArgumentException">A parameter is out of range or shapes do not match; the message names it.</exception>
    public static Wishart FromCovariance(Tensor df, Tensor covarianceMatrix)
    {
        int[] batch = CheckShapes(df, covarianceMatrix, nameof(covarianceMatrix));
        return new Wishart(df, ScaleMatrices.FromCovariance(covarianceMatrix, nameof(Wishart), nameof(covarianceMatrix)), batch);
    }

    /// <summary>Creates W(ν, P⁻¹) from a symmetric positive-definite precision matrix P (no general inverse).</summary>
    /// <param name="df">The degrees of freedom ν, each greater than d - 1 and finite.</param>
    /// <param name="precisionMatrix">P, shape [..., d, d], symmetric within a relative 1e-10 and positive definite.</param>
    /// <exception cref="ArgumentException">A parameter is out of range or shapes do not match; the message names it.</exception>
    public static Wishart FromPrecision(Tensor df, Tensor precisionMatrix)
    {
        int[] batch = CheckShapes(df, precisionMatrix, nameof(precisionMatrix));
        return new Wishart(df, ScaleMatrices.FromPrecision(precisionMatrix, nameof(Wishart), nameof(precisionMatrix)), batch);
    }

    /// <summary>
    /// ((ν - d - 1)/2) log|X| - ½ ‖L⁻¹ Lₓ‖²_F - (νd/2) log 2 - ν Σᵢ log Lᵢᵢ - log Γ_d(ν/2) with X = Lₓ Lₓᵀ; -∞ where X is
    /// not symmetric positive definite.
    /// </summary>
    public override Tensor LogProb(Tensor value)
    {
        int d = Dimension;
        ScaleMatrices.RequireMatrixEvent(value, d, nameof(Wishart));

        // Off the support the density is 0: evaluate at the identity and mask, so nothing throws or turns NaN.
        Tensor inSupport;
        using (Tensor.NoGrad())
        {
            inSupport = PositiveDefiniteMask(value, d);
        }

        var safe = ScaleMatrices.ValidOrIdentity(inSupport, value, d);
        var valueTril = safe.Cholesky();
        var trace = LinearAlgebraOps.TriangularSolve(ScaleTril, valueTril, lower: true).Square().Sum([-2, -1]);
        var logDetValue = valueTril.LogDetFromCholesky();
        var logP = (((Df - (d + 1.0)) * 0.5) * logDetValue) - (trace * 0.5) - (Df * (d * 0.5 * FamilyHelpers.Log2))
            - (Df * ScaleTril.Diagonal().Log().Sum(-1)) - MultivariateGamma.Log(Df * 0.5, d);
        return TensorOps.Where(inSupport, logP, double.NegativeInfinity);
    }

    /// <summary>
    /// H = ((d + 1)/2) log|S| + (d(d + 1)/2) log 2 + log Γ_d(ν/2) - ((ν - d - 1)/2) ψ_d(ν/2) + νd/2, from
    /// E log|X| = ψ_d(ν/2) + d log 2 + log|S| and E tr(S⁻¹X) = νd (Bishop 2006, PRML, eqs. B.81-B.82).
    /// </summary>
    public override Tensor Entropy()
    {
        int d = Dimension;
        var halfDf = Df * 0.5;
        var logDetScale = ScaleTril.LogDetFromCholesky();
        var h = (logDetScale * ((d + 1) * 0.5)) + (d * (d + 1) * 0.5 * FamilyHelpers.Log2) + MultivariateGamma.Log(halfDf, d)
            - ((Df - (d + 1.0)) * 0.5 * MultivariateGamma.Digamma(halfDf, d)) + (Df * (d * 0.5));
        return h.BroadcastTo(BatchShapeArray);
    }

    /// <summary>
    /// Bartlett decomposition (Bartlett 1933; Anderson 2003, Cor. 7.2.1): X = (L A)(L A)ᵀ with A lower triangular,
    /// Aᵢᵢ² ~ χ²(ν - i) (i = 0..d-1) and Aᵢⱼ ~ N(0, 1) below the diagonal, all independent. Differentiable in L; ν gets
    /// no gradient (see <see cref="HasReparameterizedSample"/>). For ν near d - 1 a chi-square draw can be so small
    /// (below about 1e-16 relative) that the rounded X is not positive definite and has no density; such a draw is
    /// redrawn, as torch.distributions.Wishart does (an event of probability about P(χ²(ν - d + 1) &lt; 1e-16)), and
    /// after <see cref="MaxRedraws"/> attempts the sampler gives up with an exception rather than return it.
    /// </summary>
    /// <exception cref="InvalidOperationException">A draw stayed numerically singular after <see cref="MaxRedraws"/> redraws.</exception>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int d = Dimension;
        int batch = Shapes.Size(BatchShapeArray);
        var df = TensorOps.Expand(Df, BatchShapeArray);
        var a = new double[count * batch * d * d];
        var pending = Enumerable.Range(0, count * batch).ToList();
        for (int attempt = 0; pending.Count > 0; attempt++)
        {
            if (attempt > MaxRedraws)
            {
                throw new InvalidOperationException(
                    $"{nameof(Wishart)}: a Bartlett draw stayed numerically singular after {MaxRedraws} redraws (df {df[pending[0] % batch]:G} for dimension {d}).");
            }

            foreach (int m in pending)
            {
                DrawBartlettFactor(a.AsSpan(m * d * d, d * d), df[m % batch], d, random);
            }

            using var scope = Tensor.NoGrad();
            var factor = ScaleTril.MatMul(new Tensor(a, SampleShape(count)));
            var ok = PositiveDefiniteMask(factor.MatMul(factor.Transpose()), d).ToArray();
            pending = [.. pending.Where(m => ok[m] == 0)];
        }

        var x = ScaleTril.MatMul(new Tensor(a, SampleShape(count)));
        return x.MatMul(x.Transpose());
    }

    private static void DrawBartlettFactor(Span<double> a, double nu, int d, RandomStream random)
    {
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                a[(i * d) + j] = random.NextStandardNormal();
            }

            a[(i * d) + i] = Math.Sqrt(2 * random.NextGamma((nu - i) * 0.5));
        }
    }

    /// <summary>1 where a matrix is finite, symmetric within <see cref="SymmetryTolerance"/> and positive definite, else 0; shape [...].</summary>
    private static Tensor PositiveDefiniteMask(Tensor value, int d)
    {
        var v = value.Values;
        int count = value.Length / (d * d);
        var mask = new double[count];
        var factor = new double[d * d];
        for (int b = 0; b < count; b++)
        {
            var m = v.Slice(b * d * d, d * d);
            mask[b] = IsSymmetricAndFinite(m, d) && TryCholesky(m, factor, d) ? 1.0 : 0.0;
        }

        return new Tensor(mask, value.ShapeArray[..^2]);
    }

    private static bool IsSymmetricAndFinite(ReadOnlySpan<double> m, int d)
    {
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double aij = m[(i * d) + j], aji = m[(j * d) + i];
                if (!double.IsFinite(aij) || !double.IsFinite(aji) || Math.Abs(aij - aji) > SymmetryTolerance * Math.Max(Math.Abs(aij), Math.Abs(aji)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool TryCholesky(ReadOnlySpan<double> m, Span<double> factor, int d)
    {
        try
        {
            LinearAlgebraOps.CholeskyKernel(m, factor, d, 0);
            return true;
        }
        catch (NotPositiveDefiniteException)
        {
            return false;
        }
    }

    private static int[] CheckShapes(Tensor? df, Tensor? matrix, string matrixName)
    {
        ArgumentNullException.ThrowIfNull(df);
        ArgumentNullException.ThrowIfNull(matrix, matrixName);
        if (matrix.Rank < 2 || matrix.ShapeArray[^1] < 1 || matrix.ShapeArray[^1] != matrix.ShapeArray[^2])
        {
            throw new ArgumentException($"{nameof(Wishart)}: {matrixName} must have shape [..., d, d] with d ≥ 1, got {Shapes.Format(matrix.ShapeArray)}.", matrixName);
        }

        int d = matrix.ShapeArray[^1];
        foreach (double v in df.Values)
        {
            if (!(v > d - 1) || !double.IsFinite(v))
            {
                throw ParameterChecks.Invalid(nameof(Wishart), nameof(df), string.Create(CultureInfo.InvariantCulture, $"must be finite and greater than d - 1 = {d - 1}"), v);
            }
        }

        try
        {
            return Shapes.Broadcast(df.ShapeArray, matrix.ShapeArray[..^2]);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"{nameof(Wishart)}: the batch shapes of df {Shapes.Format(df.ShapeArray)} and {matrixName} {Shapes.Format(matrix.ShapeArray)} do not broadcast.", matrixName, e);
        }
    }

    /// <summary>ν with two trailing unit axes, to scale matrices.</summary>
    private Tensor DfMatrix() => Df.Unsqueeze(-1).Unsqueeze(-1);
}
