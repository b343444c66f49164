using KlDivergence.Constraints;
using KlDivergence.Random;
using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// Reinterprets the last n batch dimensions of a base distribution as event dimensions, so that they are treated
/// as one joint event of independent parts: log p(x) = Σ over those dimensions of log p_base(x), and likewise for
/// the entropy (entropy of independent variables adds; Cover and Thomas 2006, Theorem 2.6.6).
/// </summary>
public sealed class Independent : Distribution, IHasCovariance
{
    /// <summary>Wraps <paramref name="baseDistribution"/>, moving its last <paramref name="reinterpretedBatchDims"/> batch dimensions into the event.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or exceeds the base batch rank.</exception>
    public Independent(Distribution baseDistribution, int reinterpretedBatchDims)
        : base(Split(baseDistribution, reinterpretedBatchDims).Batch, Split(baseDistribution, reinterpretedBatchDims).Event)
    {
        BaseDistribution = baseDistribution;
        ReinterpretedBatchDims = reinterpretedBatchDims;
    }

    /// <summary>The wrapped distribution.</summary>
    public Distribution BaseDistribution { get; }

    /// <summary>How many of the base's trailing batch dimensions are part of the event.</summary>
    public int ReinterpretedBatchDims { get; }

    /// <inheritdoc/>
    public override string FamilyName => $"Independent({BaseDistribution.FamilyName})";

    /// <summary>Reparameterisable exactly when the base is.</summary>
    public override bool HasReparameterizedSample => BaseDistribution.HasReparameterizedSample;

    /// <inheritdoc/>
    public override Support Support => BaseDistribution.Support;

    /// <summary>The base's constraint with the reinterpreted batch dimensions joined to its event.</summary>
    public override Constraint SupportConstraint => Constraint.Independent(BaseDistribution.SupportConstraint, ReinterpretedBatchDims);

    /// <summary>
    /// The base's profile when nothing is reinterpreted; otherwise only the base's measure (a product of counting or of
    /// Lebesgue measures is again one), with no bounds or tails.
    /// </summary>
    public override TailProfile? Tails
    {
        get
        {
            var inner = BaseDistribution.Tails;
            return inner is null || ReinterpretedBatchDims == 0 ? inner : TailProfile.MeasureOnly(inner.Measure);
        }
    }

    /// <summary>The base mean, shape [...BatchShape, ...EventShape].</summary>
    public override Tensor Mean => BaseDistribution.Mean;

    /// <summary>The base variance (element-wise), shape [...BatchShape, ...EventShape].</summary>
    public override Tensor Variance => BaseDistribution.Variance;

    /// <summary>
    /// Cov[X] = diag(Var[X]) when a univariate base gains a single event dimension (the parts are independent);
    /// otherwise not available.
    /// </summary>
    /// <exception cref="NotSupportedException">The event is not a vector of independent univariate parts.</exception>
    public Tensor Covariance => BaseDistribution.EventShapeArray.Length == 0 && ReinterpretedBatchDims == 1
        ? Variance.DiagEmbed()
        : throw new NotSupportedException($"{FamilyName} has no covariance matrix here (event shape {Shapes.Format(EventShapeArray)}).");

    /// <summary>log p(x) = Σ over the reinterpreted dimensions of log p_base(x).</summary>
    public override Tensor LogProb(Tensor value) => SumReinterpreted(BaseDistribution.LogProb(value));

    /// <summary>H = Σ over the reinterpreted dimensions of H_base.</summary>
    public override Tensor Entropy() => SumReinterpreted(BaseDistribution.Entropy());

    /// <summary>The base CDF when no dimension is reinterpreted (the event stays univariate).</summary>
    /// <exception cref="NotSupportedException">The event is multivariate.</exception>
    public override Tensor Cdf(Tensor value) => ReinterpretedBatchDims == 0 && EventShapeArray.Length == 0
        ? BaseDistribution.Cdf(value)
        : throw new NotSupportedException($"{FamilyName} has a multivariate event {Shapes.Format(EventShapeArray)}; no univariate CDF.");

    /// <summary>The base's samples, unchanged (shape [count, ...BatchShape, ...EventShape]).</summary>
    protected override Tensor SampleCore(int count, RandomStream random) =>
        BaseDistribution.HasReparameterizedSample ? BaseDistribution.ReparameterizedSample(count, random) : BaseDistribution.Sample(count, random);

    private static (int[] Batch, int[] Event) Split(Distribution baseDistribution, int reinterpretedBatchDims)
    {
        ArgumentNullException.ThrowIfNull(baseDistribution);
        int rank = baseDistribution.BatchShapeArray.Length;
        int n = reinterpretedBatchDims;
        if (n < 0 || n > rank)
        {
            throw new ArgumentOutOfRangeException(
                nameof(reinterpretedBatchDims), n, $"{nameof(Independent)}: reinterpretedBatchDims must be between 0 and the base batch rank {rank}, got {n}.");
        }

        int[] batch = baseDistribution.BatchShapeArray;
        return (batch[..(rank - n)], [.. batch[(rank - n)..], .. baseDistribution.EventShapeArray]);
    }

    private Tensor SumReinterpreted(Tensor t)
    {
        if (ReinterpretedBatchDims == 0)
        {
            return t;
        }

        int[] axes = [.. Enumerable.Range(1, ReinterpretedBatchDims).Select(i => -i)];
        return t.Sum(axes);
    }
}
