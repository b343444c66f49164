using System.Globalization;
using KlDivergence.Tensors;

namespace KlDivergence.Divergences;

/// <summary>
/// A KL divergence with the record of how it was obtained: the value (batch-shaped, differentiable in both
/// distributions' parameters where the method allows), the method, its standard error or error estimate,
/// and the number of samples used.
/// </summary>
public sealed class KlResult
{
    /// <summary>Creates a result.</summary>
    public KlResult(Tensor value, KlMethod method, Tensor standardError, int sampleCount, bool isUpperBound = false)
    {
        Value = value ?? throw new ArgumentNullException(nameof(value));
        Method = method;
        StandardError = standardError ?? throw new ArgumentNullException(nameof(standardError));
        SampleCount = sampleCount;
        IsUpperBound = isUpperBound;
    }

    /// <summary>KL(p ‖ q) in nats, one per batch element; +∞ where p's support is not inside q's.</summary>
    public Tensor Value { get; }

    /// <summary>How the value was computed.</summary>
    public KlMethod Method { get; }

    /// <summary>
    /// The Monte Carlo standard error (sample standard deviation / √n), the quadrature's error estimate,
    /// or zero for a closed form; batch-shaped.
    /// </summary>
    public Tensor StandardError { get; }

    /// <summary>The number of Monte Carlo samples (0 for other methods).</summary>
    public int SampleCount { get; }

    /// <summary>For <see cref="KlMethod.Bound"/>: true when the value is an upper bound, false when it is an approximation.</summary>
    public bool IsUpperBound { get; }

    /// <summary>The value of a single (unbatched) divergence.</summary>
    public double ToScalar() => Value.ToScalar();

    /// <inheritdoc/>
    public override string ToString()
    {
        string se = StandardError.Length == 1 ? StandardError.ToScalar().ToString("G4", CultureInfo.InvariantCulture) : "...";
        string v = Value.Length == 1 ? Value.ToScalar().ToString("G6", CultureInfo.InvariantCulture) : Value.ToString();
        return $"KL = {v} ({Method}, standard error {se}, {SampleCount} samples)";
    }
}
