using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// Where a distribution puts its mass: continuous or discrete, between (batch-broadcastable) lower and upper
/// bounds per element. Used to integrate over the right interval and to tell when a KL divergence is infinite.
/// </summary>
public sealed class Support
{
    /// <summary>Creates a support description.</summary>
    /// <param name="isDiscrete">True for integer-valued (counting) support.</param>
    /// <param name="lower">The lower bound per element (may be -∞).</param>
    /// <param name="upper">The upper bound per element (may be +∞).</param>
    /// <param name="name">A short description, e.g. "real line" or "simplex".</param>
    public Support(bool isDiscrete, Tensor lower, Tensor upper, string name)
    {
        IsDiscrete = isDiscrete;
        Lower = lower;
        Upper = upper;
        Name = name;
    }

    /// <summary>The whole real line (per element).</summary>
    public static Support RealLine { get; } = new(false, double.NegativeInfinity, double.PositiveInfinity, "real line");

    /// <summary>True for integer-valued support.</summary>
    public bool IsDiscrete { get; }

    /// <summary>The lower bound per element.</summary>
    public Tensor Lower { get; }

    /// <summary>The upper bound per element.</summary>
    public Tensor Upper { get; }

    /// <summary>A short description.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
