using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// What a distribution states about its measure, where its mass lies and its tails, so that an infinite KL
/// divergence can be recognised by a rule before any integration (see <see cref="Distribution.Tails"/>).
/// A family that states a profile also vouches that its entropy is finite. Every field may be null (unknown):
/// a rule then says nothing.
/// </summary>
public sealed class TailProfile
{
    /// <summary>Creates a profile.</summary>
    /// <param name="measure">The reference measure of the density.</param>
    /// <param name="lower">The least point of the support where the distribution puts mass (every neighbourhood of it
    /// inside the support has positive probability), batch-broadcastable; null when unknown.</param>
    /// <param name="upper">The greatest such point, as <paramref name="lower"/>.</param>
    /// <param name="left">The left tail (univariate only), null when unknown.</param>
    /// <param name="right">The right tail (univariate only), null when unknown.</param>
    /// <param name="isDensityBounded">True when the density (or mass) is bounded above, so that E_p[max(log q, 0)] is finite for any p.</param>
    public TailProfile(ReferenceMeasure measure, Tensor? lower, Tensor? upper, Tail? left, Tail? right, bool isDensityBounded)
    {
        Measure = measure;
        Lower = lower;
        Upper = upper;
        Left = left;
        Right = right;
        IsDensityBounded = isDensityBounded;
    }

    /// <summary>The reference measure of the density.</summary>
    public ReferenceMeasure Measure { get; }

    /// <summary>The least point where the distribution puts mass, batch-broadcastable; null when unknown.</summary>
    public Tensor? Lower { get; }

    /// <summary>The greatest point where the distribution puts mass, batch-broadcastable; null when unknown.</summary>
    public Tensor? Upper { get; }

    /// <summary>The left tail (x → -∞ or the lower bound); null when unknown.</summary>
    public Tail? Left { get; }

    /// <summary>The right tail (x → +∞ or the upper bound); null when unknown.</summary>
    public Tail? Right { get; }

    /// <summary>True when the density or mass function is bounded above.</summary>
    public bool IsDensityBounded { get; }

    /// <summary>
    /// A univariate family's profile: the measure and the bounds from its <paramref name="support"/> (which must be
    /// tight: the family puts mass up to both bounds), and its two tails.
    /// </summary>
    public static TailProfile Univariate(Support support, Tail left, Tail right, bool isDensityBounded = true)
    {
        ArgumentNullException.ThrowIfNull(support);
        return new TailProfile(support.IsDiscrete ? ReferenceMeasure.Counting : ReferenceMeasure.Lebesgue, support.Lower, support.Upper, left, right, isDensityBounded);
    }

    /// <summary>Only the measure (multivariate families): no bounds, no tails.</summary>
    public static TailProfile MeasureOnly(ReferenceMeasure measure, bool isDensityBounded = false) =>
        new(measure, null, null, null, null, isDensityBounded);
}
