using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The Dirichlet distribution over the probability simplex in K dimensions (event shape [K]) with concentrations
/// α &gt; 0: log p(x) = Σₖ (αₖ - 1) log xₖ + log Γ(α₀) - Σₖ log Γ(αₖ), α₀ = Σₖ αₖ (e.g. Bishop, PRML, eq. 2.38).
/// Samples normalise independent Gamma(αₖ, 1) draws (no reparameterisation).
/// </summary>
public sealed class Dirichlet : Distribution
{
    /// <summary>How far Σₖ xₖ may be from 1 for x to count as on the simplex.</summary>
    public const double SimplexTolerance = 1e-9;

    /// <summary>Creates Dirichlet(α) with α of shape [..., K], K ≥ 2.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An entry is not positive and finite; the message names it.</exception>
    /// <exception cref="ArgumentException">Fewer than 2 categories.</exception>
    public Dirichlet(Tensor concentration)
        : base(Checked(concentration).ShapeArray[..^1], [concentration.Shape[^1]])
    {
        Concentration = concentration;
    }

    /// <summary>The concentrations α, shape [...BatchShape, K].</summary>
    public Tensor Concentration { get; }

    /// <inheritdoc/>
    public override Support Support { get; } = new(false, 0.0, 1.0, "probability simplex");

    /// <summary>The probability simplex (event rank 1).</summary>
    public override Constraint SupportConstraint => Constraint.Simplex;

    /// <summary>Lebesgue measure on the simplex (multivariate: no tails).</summary>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Lebesgue);

    /// <summary>E[xₖ] = αₖ / α₀.</summary>
    public override Tensor Mean => Concentration / Total();

    /// <summary>Var[xₖ] = αₖ(α₀ - αₖ) / (α₀²(α₀ + 1)).</summary>
    public override Tensor Variance
    {
        get
        {
            var total = Total();
            return Concentration * (total - Concentration) / (total.Square() * (total + 1.0));
        }
    }

    /// <inheritdoc/>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);

        // Off the simplex the density is 0: evaluate at the centre and mask, so nothing turns NaN.
        Tensor? onSimplex = null;
        bool inside;
        using (Tensor.NoGrad())
        {
            var sums = value.Sum(-1);

            // Every entry positive (the minimum is NaN if one is NaN) and every row summing to one (the usual case):
            // then the masks below select nothing, and the formula on the values themselves is what they would give.
            inside = value.Length > 0 && TensorPrimitives.Min(value.Values) > 0 && RowsSumToOne(sums.Values);
            if (!inside)
            {
                var nonNegative = TensorOps.EqualTo(TensorOps.LessThan(value, 0.0).Sum(-1), 0.0);
                onSimplex = nonNegative * TensorOps.LessThan((sums - 1.0).Abs(), SimplexTolerance);
            }
        }

        var logNormalizer = Total().Squeeze(-1).LogGamma() - Concentration.LogGamma().Sum(-1);
        var weights = Concentration - 1.0;
        if (inside)
        {
            return (weights * value.Log()).Sum(-1) + logNormalizer;
        }

        int k = EventShapeArray[0];
        var safe = TensorOps.Where(onSimplex!.Unsqueeze(-1), value, 1.0 / k);

        // (αₖ - 1) log xₖ with 0 · log 0 = 0 where αₖ = 1 and xₖ = 0.
        var zero = TensorOps.EqualTo(safe, 0.0) * TensorOps.EqualTo(weights, 0.0);
        var terms = TensorOps.Where(zero, 0.0, weights * TensorOps.Where(zero, 1.0, safe).Log());
        return TensorOps.Where(onSimplex!, terms.Sum(-1) + logNormalizer, double.NegativeInfinity);
    }

    /// <summary>Whether every row sum is within <see cref="SimplexTolerance"/> of one (the mask's test, NaN failing).</summary>
    private static bool RowsSumToOne(ReadOnlySpan<double> sums)
    {
        foreach (double sum in sums)
        {
            if (!(Math.Abs(sum - 1.0) < SimplexTolerance))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>H = log B(α) + (α₀ - K) ψ(α₀) - Σₖ (αₖ - 1) ψ(αₖ), log B(α) = Σₖ log Γ(αₖ) - log Γ(α₀).</summary>
    public override Tensor Entropy()
    {
        var total = Total().Squeeze(-1);
        int k = EventShapeArray[0];
        var logBeta = Concentration.LogGamma().Sum(-1) - total.LogGamma();
        return logBeta + ((total - k) * total.Digamma()) - ((Concentration - 1.0) * Concentration.Digamma()).Sum(-1);
    }

    /// <summary>
    /// Independent Gamma(αₖ, 1) draws normalised in log space (no gradient): never NaN, on the simplex, every
    /// coordinate at least <see cref="double.Epsilon"/> so the log-density at the draw is finite (see
    /// <see cref="GammaRatios.Draw"/>), at concentrations down to the smallest positive double.
    /// </summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        int k = EventShapeArray[0];
        var alpha = TensorOps.Expand(Concentration, [.. BatchShapeArray, k]);
        int rows = alpha.Length / k;
        var data = new double[count * alpha.Length];
        for (int n = 0; n < count; n++)
        {
            for (int r = 0; r < rows; r++)
            {
                GammaRatios.Draw(alpha.AsSpan(r * k, k), data.AsSpan(((n * rows) + r) * k, k), random);
            }
        }

        return Tensor.FromArray(data, SampleShape(count));
    }

    private Tensor Total() => Concentration.Sum(-1, keepDims: true);

    private static Tensor Checked(Tensor concentration)
    {
        ParameterChecks.Positive(concentration, nameof(Dirichlet), nameof(concentration));
        if (concentration.Rank < 1 || concentration.Shape[^1] < 2)
        {
            throw new ArgumentException($"Dirichlet: concentration needs a last axis of at least 2 categories, got shape [{string.Join(", ", concentration.Shape)}].", nameof(concentration));
        }

        return concentration;
    }
}
