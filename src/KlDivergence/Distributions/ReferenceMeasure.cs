namespace KlDivergence.Distributions;

/// <summary>
/// The measure a distribution's density is taken with respect to. KL(p ‖ q) is finite only when p is absolutely
/// continuous with respect to q, which fails whenever one is discrete and the other continuous.
/// </summary>
public enum ReferenceMeasure
{
    /// <summary>Not stated (for example a mixture of discrete and continuous components): no rule uses it.</summary>
    Unknown,

    /// <summary>Counting measure on a countable set (integer-valued and other discrete families): a probability mass function.</summary>
    Counting,

    /// <summary>Lebesgue measure (continuous families): a probability density function.</summary>
    Lebesgue,
}
