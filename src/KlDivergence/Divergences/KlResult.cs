using System.Globalization;
using KlDivergence.Diagnostics;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// A KL divergence with the record of how it was obtained: the value (batch-shaped, differentiable in both
/// distributions' parameters where the method allows), the method, its standard error or error estimate,
/// the number of samples used, and whether the library can vouch for it (<see cref="IsReliable"/>, with the
/// <see cref="Reason"/> when it cannot, or when the value is +∞ by a rule).
/// </summary>
public sealed class KlResult
{
    private readonly KlReliability reliability;
    private readonly Lazy<KlReliability>? deferred;

    /// <summary>Creates a result.</summary>
    /// <param name="value">KL(p ‖ q), batch-shaped.</param>
    /// <param name="method">How the value was computed.</param>
    /// <param name="standardError">The standard error or error estimate, batch-shaped.</param>
    /// <param name="sampleCount">The number of Monte Carlo samples (0 for other methods).</param>
    /// <param name="isUpperBound">For <see cref="KlMethod.Bound"/>: true for a guaranteed upper bound.</param>
    /// <param name="isReliable">False when the method cannot vouch for the value (see <paramref name="reason"/>).</param>
    /// <param name="reason">Why the value is +∞ by a rule, or why it is not reliable; null otherwise.</param>
    /// <param name="paretoK">For Monte Carlo: the Pareto k-hat of the per-draw terms, batch-shaped; null otherwise.</param>
    /// <param name="gradientEstimator">How gradients of <paramref name="value"/> were obtained.</param>
    public KlResult(
        Tensor value,
        KlMethod method,
        Tensor standardError,
        int sampleCount,
        bool isUpperBound = false,
        bool isReliable = true,
        string? reason = null,
        Tensor? paretoK = null,
        KlGradientEstimator gradientEstimator = KlGradientEstimator.None)
    {
        Value = value ?? throw new ArgumentNullException(nameof(value));
        Method = method;
        StandardError = standardError ?? throw new ArgumentNullException(nameof(standardError));
        SampleCount = sampleCount;
        IsUpperBound = isUpperBound;
        reliability = new KlReliability(isReliable, reason, paretoK);
        GradientEstimator = gradientEstimator;
    }

    /// <summary>
    /// A result whose reliability (flag, reason, k-hat) is computed when first read: a fit that only differentiates the
    /// value never pays for the tail fit. <paramref name="reliability"/> must own what it reads (no pooled buffers).
    /// </summary>
    internal KlResult(Tensor value, KlMethod method, Tensor standardError, int sampleCount, Func<KlReliability> reliability, KlGradientEstimator gradientEstimator)
        : this(value, method, standardError, sampleCount, gradientEstimator: gradientEstimator) =>
        deferred = new Lazy<KlReliability>(reliability ?? throw new ArgumentNullException(nameof(reliability)));

    /// <summary>KL(p ‖ q) in nats, one per batch element; +∞ where p's support is not inside q's.</summary>
    public Tensor Value { get; }

    /// <summary>How the value was computed.</summary>
    public KlMethod Method { get; }

    /// <summary>
    /// The Monte Carlo standard error (sample standard deviation / √n), the quadrature's error estimate,
    /// or zero for a closed form; batch-shaped. Meaningful only when <see cref="IsReliable"/> is true.
    /// </summary>
    public Tensor StandardError { get; }

    /// <summary>The value with its standard error (or error estimate) in the library's one estimate shape.</summary>
    public Estimate Estimate => new(Value, StandardError);

    /// <summary>The number of Monte Carlo samples (0 for other methods).</summary>
    public int SampleCount { get; }

    /// <summary>For <see cref="KlMethod.Bound"/>: true when the value is an upper bound, false when it is an approximation.</summary>
    public bool IsUpperBound { get; }

    /// <summary>
    /// False when the library cannot vouch for the value within its stated error: a quadrature that could not
    /// certify its answer, or a Monte Carlo estimate whose terms have infinite variance (Pareto k-hat above 0.7).
    /// <see cref="Reason"/> says why.
    /// </summary>
    public bool IsReliable => Reliability.IsReliable;

    /// <summary>Why the value is +∞ by a rule (supports, measures, tails) or why it is not reliable; null otherwise.</summary>
    public string? Reason => Reliability.Reason;

    /// <summary>
    /// For Monte Carlo: the Pareto k-hat of the per-draw terms log p - log q (Vehtari et al., PSIS, JMLR 2024),
    /// batch-shaped; above 0.7 the variance is effectively infinite and the standard error means nothing. Null
    /// for other methods.
    /// </summary>
    public Tensor? ParetoK => Reliability.ParetoK;

    /// <summary>How gradients of <see cref="Value"/> with respect to the distributions' parameters were obtained.</summary>
    public KlGradientEstimator GradientEstimator { get; }

    private KlReliability Reliability => deferred is null ? reliability : deferred.Value;

    /// <summary>The value of a single (unbatched) divergence.</summary>
    public double ToScalar() => Value.ToScalar();

    /// <inheritdoc/>
    public override string ToString()
    {
        string se = StandardError.Length == 1 ? StandardError.ToScalar().ToString("G4", CultureInfo.InvariantCulture) : StandardError.ToString();
        string v = Value.Length == 1 ? Value.ToScalar().ToString("G6", CultureInfo.InvariantCulture) : Value.ToString();
        string trust = IsReliable ? string.Empty : ", NOT RELIABLE";
        string why = Reason is null ? string.Empty : $": {Reason}";
        return $"KL = {v} ({Method}, standard error {se}, {SampleCount} samples{trust}){why}";
    }
}
