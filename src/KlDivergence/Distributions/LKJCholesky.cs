using System.Globalization;
using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The LKJ distribution (Lewandowski, Kurowicka &amp; Joe 2009) of the lower Cholesky factor L of a d × d correlation
/// matrix Ω = L Lᵀ with concentration η &gt; 0, where p(Ω) ∝ det(Ω)^(η-1). Event shape [d, d]; the density, with respect to
/// Lebesgue measure on the d(d - 1)/2 entries below the diagonal (each row of L is a unit vector with a positive last
/// entry), is as Stan's lkj_corr_cholesky: log p(L) = Σᵢ₌₂..d (d - i + 2η - 2) log Lᵢᵢ - log C_d(η).
/// </summary>
/// <remarks>
/// The rows are independent: row i (1-based) is w = √y u with u uniform on the unit sphere of ℝ^(i-1) and
/// y ~ Beta((i - 1)/2, η + (d - i)/2), because the density of w is ∝ (1 - |w|²)^((d - i)/2 + η - 1). Hence the
/// normaliser C_d(η) = Πᵢ₌₂..d π^((i-1)/2) Γ(η + (d - i)/2)/Γ(η + (d - 1)/2) (it equals LKJ 2009's
/// Πₖ [2^(2βₖ-1) B(βₖ, βₖ)]^(d-k), βₖ = η + (d - k - 1)/2), the sampler (the onion method of LKJ 2009, §3.2, taken
/// row by row, as PyTorch's LKJCholesky does), and the moments and entropy below.
/// </remarks>
public sealed class LKJCholesky : Distribution
{
    /// <summary>How far a row's squared norm may be from 1 for the row to count as a unit vector.</summary>
    public const double UnitRowTolerance = 1e-9;

    private const double LogPi = 1.1447298858494001741434273513530587;

    /// <summary>Creates LKJCholesky(dimension, concentration).</summary>
    /// <param name="dimension">The size d of the correlation matrices, at least 2.</param>
    /// <param name="concentration">The concentration η (positive, finite); its shape is the batch shape. η = 1 is uniform over correlation matrices.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range; the message names it and its value.</exception>
    public LKJCholesky(int dimension, Tensor concentration)
        : base(ParameterChecks.Positive(concentration, nameof(LKJCholesky), nameof(concentration)).ShapeArray, [CheckedDimension(dimension), dimension])
    {
        Concentration = concentration;
    }

    /// <summary>The concentration η.</summary>
    public Tensor Concentration { get; }

    /// <summary>The dimension d.</summary>
    public int Dimension => EventShapeArray[0];

    /// <summary>Cholesky factors of correlation matrices (every entry in [-1, 1]).</summary>
    public override Support Support { get; } = new(false, -1.0, 1.0, "Cholesky factors of correlation matrices");

    /// <summary>Cholesky factors of correlation matrices (event rank 2).</summary>
    public override Constraint SupportConstraint => Constraint.CorrelationCholesky;

    /// <summary>
    /// Lebesgue on the d(d - 1)/2 entries below the diagonal (matrix-valued: no tails). The density is bounded exactly
    /// when η ≥ 1: the last row's factor L_dd^(2η-2) is unbounded as L_dd → 0 otherwise.
    /// </summary>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Lebesgue, FamilyHelpers.AllAtLeast(Concentration, 1.0));

    /// <summary>
    /// E[Lᵢⱼ] = 0 below the diagonal (the sign of u is symmetric), E[Lᵢᵢ] = E[√(1 - y)] = B(aᵢ, bᵢ + ½)/B(aᵢ, bᵢ) with
    /// aᵢ = (i - 1)/2, bᵢ = η + (d - i)/2 (1 for the first row), 0 above. The mean of Ω = L Lᵀ is the identity.
    /// </summary>
    public override Tensor Mean
    {
        get
        {
            var (a, b) = RowBetaParameters();

            // E√(1 - y) = Γ(b + ½)Γ(a + b) / (Γ(b)Γ(a + b + ½)), as the difference of two log-ratios so that a = 0 on
            // the first row gives exactly 1 (summed in another order, rounding gave 1 + 4e-16 and a negative variance).
            var diagonal = (((b + 0.5).LogGamma() - b.LogGamma()) - ((a + b + 0.5).LogGamma() - (a + b).LogGamma())).Exp();
            return diagonal.DiagEmbed();
        }
    }

    /// <summary>
    /// Var[Lᵢⱼ] = E[y]/(i - 1) = 1/(2η + d - 1) below the diagonal (every correlation Ωᵢ₁ has this variance too),
    /// Var[Lᵢᵢ] = E[1 - y] - (E√(1 - y))² = bᵢ/(aᵢ + bᵢ) - E[Lᵢᵢ]² on it, 0 above.
    /// </summary>
    public override Tensor Variance
    {
        get
        {
            int d = Dimension;
            var (a, b) = RowBetaParameters();
            var diagonalMean = Mean.Diagonal();
            var diagonal = (b / (a + b)) - diagonalMean.Square();
            var below = (1.0 / ((Concentration * 2.0) + (d - 1.0))).Unsqueeze(-1).Unsqueeze(-1) * Tensor.Ones([d, d]).Tril(-1);
            return below + diagonal.DiagEmbed();
        }
    }

    /// <summary>Σᵢ (d - i + 2η - 2) log Lᵢᵢ - log C_d(η) for a valid factor; -∞ for anything else.</summary>
    public override Tensor LogProb(Tensor value)
    {
        int d = Dimension;
        ScaleMatrices.RequireMatrixEvent(value, d, nameof(LKJCholesky));

        // Off the support the density is 0: evaluate at the identity and mask, so nothing turns NaN.
        Tensor valid;
        using (Tensor.NoGrad())
        {
            var zeroAbove = TensorOps.EqualTo(value.Triu(1).Abs().Sum([-2, -1]), 0.0);
            var positiveDiagonal = TensorOps.EqualTo(TensorOps.GreaterThan(value.Diagonal(), 0.0).Sum(-1), d);
            var unitRows = TensorOps.EqualTo(TensorOps.LessThan((value.Square().Sum(-1) - 1.0).Abs(), UnitRowTolerance).Sum(-1), d);
            valid = zeroAbove * positiveDiagonal * unitRows;
        }

        var safe = ScaleMatrices.ValidOrIdentity(valid, value, d);
        var logDiagonal = safe.Diagonal().Log();
        var logP = (logDiagonal * DiagonalExponents()).Sum(-1) - LogNormalizer();
        return TensorOps.Where(valid, logP, double.NegativeInfinity);
    }

    /// <summary>
    /// H = log C_d(η) - Σᵢ₌₂..d (d - i + 2η - 2) · ½ E log(1 - yᵢ), with E log(1 - y) = ψ(bᵢ) - ψ(aᵢ + bᵢ) for
    /// y ~ Beta(aᵢ, bᵢ) (the rows are independent; see the remarks).
    /// </summary>
    public override Tensor Entropy()
    {
        int d = Dimension;
        var (a, b) = RowBetaParameters();

        // Rows from the second on; the first row's a = 0 has no Beta law (its L₁₁ is 1).
        var aRows = a.Narrow(-1, 1, d - 1);
        var bRows = b.Narrow(-1, 1, d - 1);
        var coefficient = DiagonalExponents().Narrow(-1, 1, d - 1);
        var expectedLog = bRows.Digamma() - (aRows + bRows).Digamma();
        return LogNormalizer() - (coefficient * expectedLog * 0.5).Sum(-1);
    }

    /// <summary>
    /// Row by row (no reparameterisation): y ~ Beta((i - 1)/2, η + (d - i)/2) as G₁/(G₁ + G₂) of Gamma draws, u the
    /// normalised standard normal vector of length i - 1, row = (√y u, √(1 - y)).
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int d = Dimension;
        int batch = Shapes.Size(BatchShapeArray);
        var eta = TensorOps.Expand(Concentration, BatchShapeArray);
        var l = new double[count * batch * d * d];
        var u = new double[d];
        var point = new double[2];
        for (int m = 0; m < count * batch; m++)
        {
            int o = m * d * d;
            l[o] = 1;
            for (int i = 1; i < d; i++)
            {
                GammaRatios.Draw([i * 0.5, eta[m % batch] + ((d - 1 - i) * 0.5)], point, random);
                double y = point[0], norm = 0;
                for (int j = 0; j < i; j++)
                {
                    u[j] = random.NextStandardNormal();
                    norm += u[j] * u[j];
                }

                double radius = Math.Sqrt(y / norm);
                for (int j = 0; j < i; j++)
                {
                    l[o + (i * d) + j] = u[j] * radius;
                }

                l[o + (i * d) + i] = Math.Sqrt(point[1]);
            }
        }

        return new Tensor(l, SampleShape(count));
    }

    /// <summary>The exponents d - i + 2η - 2 of Lᵢᵢ in the density (1-based i; 0 for the first row, where L₁₁ = 1), shape [..., d].</summary>
    private Tensor DiagonalExponents()
    {
        int d = Dimension;
        var order = new double[d];
        for (int i = 1; i < d; i++)
        {
            order[i] = d - (i + 1) - 2.0;
        }

        return Tensor.Vector(order) + ((Concentration * 2.0).Unsqueeze(-1) * Tensor.Vector([0.0, .. Enumerable.Repeat(1.0, d - 1)]));
    }

    /// <summary>
    /// log C_d(η) = Σᵢ₌₂..d [((i - 1)/2) log π + log Γ(η + (d - i)/2) - log Γ(η + (d - 1)/2)], batch-shaped.
    /// </summary>
    private Tensor LogNormalizer()
    {
        int d = Dimension;
        var shifts = new double[d - 1];
        double logPiTerms = 0;
        for (int i = 2; i <= d; i++)
        {
            shifts[i - 2] = (d - i) * 0.5;
            logPiTerms += (i - 1) * 0.5 * LogPi;
        }

        var eta = Concentration.Unsqueeze(-1);
        return (eta + Tensor.Vector(shifts)).LogGamma().Sum(-1) - ((Concentration + ((d - 1) * 0.5)).LogGamma() * (d - 1.0)) + logPiTerms;
    }

    /// <summary>The per-row Beta parameters aᵢ = (i - 1)/2 and bᵢ = η + (d - i)/2 (1-based i), shape [...BatchShape, d].</summary>
    private (Tensor A, Tensor B) RowBetaParameters()
    {
        int d = Dimension;
        var a = new double[d];
        var shift = new double[d];
        for (int i = 0; i < d; i++)
        {
            a[i] = i * 0.5;
            shift[i] = (d - 1 - i) * 0.5;
        }

        return (Tensor.Vector(a).BroadcastTo([.. BatchShapeArray, d]), Concentration.Unsqueeze(-1) + Tensor.Vector(shift));
    }

    private static int CheckedDimension(int dimension) =>
        dimension >= 2
            ? dimension
            : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, string.Create(CultureInfo.InvariantCulture, $"{nameof(LKJCholesky)}: dimension must be at least 2, got {dimension}"));
}
