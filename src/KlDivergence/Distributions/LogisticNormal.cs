using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// The additive logistic normal distribution on the K-simplex (Aitchison &amp; Shen 1980, "Logistic-normal
/// distributions"): y = softmax([x, 0]) for x ~ N(μ, diag σ²) in K - 1 dimensions, so log(yₖ/y_K) = xₖ. By the change of
/// variables, log p(y) = Σₖ log N(log(yₖ/y_K); μₖ, σₖ) - Σₖ₌₁..K log yₖ on the open simplex. This is Aitchison's
/// parameterisation; PyTorch's LogisticNormal uses a stick-breaking map with shifted logits, a different family for K &gt; 2.
/// </summary>
public sealed class LogisticNormal : Distribution
{
    /// <summary>Creates LogisticNormal(loc, scale) over the K-simplex, K = 1 + the last dimension of loc and scale.</summary>
    /// <param name="loc">The means μ of the K - 1 log-ratios (finite; last axis: components).</param>
    /// <param name="scale">Their standard deviations σ (positive, finite).</param>
    /// <exception cref="ArgumentException">A parameter is out of range or the shapes are not vectors that broadcast; the message names it.</exception>
    public LogisticNormal(Tensor loc, Tensor scale)
        : this(LogRatiosOf(loc, scale))
    {
    }

    private LogisticNormal(Normal logRatios)
        : base(logRatios.BatchShapeArray[..^1], [logRatios.BatchShapeArray[^1] + 1]) => LogRatios = logRatios;

    /// <summary>The normal law of the log-ratios log(yₖ/y_K), batch shape [..., K - 1].</summary>
    public Normal LogRatios { get; }

    /// <summary>The means μ of the log-ratios.</summary>
    public Tensor Loc => LogRatios.Loc;

    /// <summary>The standard deviations σ of the log-ratios.</summary>
    public Tensor Scale => LogRatios.Scale;

    /// <inheritdoc/>
    public override bool HasReparameterizedSample => true;

    /// <summary>Each coordinate in (0, 1) (and the coordinates sum to 1).</summary>
    public override Support Support { get; } = new(false, 0.0, 1.0, "open simplex");

    /// <summary>The probability simplex (event rank 1).</summary>
    public override Constraint SupportConstraint => Constraint.Simplex;

    /// <summary>Lebesgue measure on the simplex (multivariate: no tails).</summary>
    public override TailProfile? Tails => TailProfile.MeasureOnly(ReferenceMeasure.Lebesgue);

    /// <summary>No closed form; estimate it from samples.</summary>
    public override Tensor Mean => throw new NotSupportedException("LogisticNormal has no closed-form mean; estimate it from samples.");

    /// <summary>No closed form; estimate it from samples.</summary>
    public override Tensor Variance => throw new NotSupportedException("LogisticNormal has no closed-form variance; estimate it from samples.");

    /// <summary>Σₖ log N(log(yₖ/y_K); μₖ, σₖ) - Σₖ log yₖ for y in the open simplex (sum 1 within 1e-10), else -∞.</summary>
    public override Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int k = EventShapeArray[0];
        var positive = TensorOps.GreaterThan(value, 0.0) * TensorOps.LessThan(value, 1.0);
        var valid = TensorOps.EqualTo(positive.Sum(-1), k) * TensorOps.LessThan((value.Sum(-1) - 1.0).Abs(), ProbabilityChecks.SumTolerance);
        var logY = TensorOps.Where(positive, value, 1.0 / k).Log();
        var ratios = logY.Narrow(-1, 0, k - 1) - logY.Narrow(-1, k - 1, 1);
        var logP = LogRatios.LogProb(ratios).Sum(-1) - logY.Sum(-1);
        return TensorOps.Where(valid, logP, double.NegativeInfinity);
    }

    /// <summary>Reparameterised: softmax([μ + σε, 0]) with ε standard normal.</summary>
    protected override Tensor SampleCore(int count, RandomStream random)
    {
        var x = LogRatios.ReparameterizedSample(count, random);
        int[] zeroShape = [.. x.ShapeArray[..^1], 1];
        var logits = ShapeOps.Concat(-1, x, Tensor.Zeros(zeroShape));
        return (logits - logits.LogSumExp(-1, keepDims: true)).Exp();
    }

    private static Normal LogRatiosOf(Tensor loc, Tensor scale)
    {
        var normal = new Normal(
            ParameterChecks.Finite(loc, nameof(LogisticNormal), nameof(loc)),
            ParameterChecks.Positive(scale, nameof(LogisticNormal), nameof(scale)));
        if (normal.BatchShapeArray.Length == 0)
        {
            throw new ArgumentException("LogisticNormal: loc and scale must be vectors (last axis: the K - 1 log-ratios), got scalars.", nameof(loc));
        }

        return normal;
    }
}
