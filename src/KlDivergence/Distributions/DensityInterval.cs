using KlDivergence.Tensors;

namespace KlDivergence.Distributions;

/// <summary>
/// Where a log-density formula applies, as fixed bounds, each open or closed (open infinite bounds exclude ±∞): what
/// <see cref="FamilyHelpers.Masked(Tensor, DensityInterval, double, Func{Tensor, Tensor})"/> masks to. Stated as bounds
/// rather than as a mask tensor so that the usual case, every value inside, is found by two read-only vector passes
/// (the minimum and the maximum, NaN when any value is) with no 0/1 tensor built and no comparison pass written out.
/// </summary>
internal readonly record struct DensityInterval(double Lower, bool LowerOpen, double Upper, bool UpperOpen)
{
    /// <summary>x ≥ <paramref name="lower"/>.</summary>
    public static DensityInterval AtLeast(double lower) => new(lower, false, double.PositiveInfinity, false);

    /// <summary>x &gt; <paramref name="lower"/>.</summary>
    public static DensityInterval Above(double lower) => new(lower, true, double.PositiveInfinity, false);

    /// <summary>x &gt; <paramref name="lower"/> and finite.</summary>
    public static DensityInterval AboveAndFinite(double lower) => new(lower, true, double.PositiveInfinity, true);

    /// <summary><paramref name="lower"/> ≤ x ≤ <paramref name="upper"/>.</summary>
    public static DensityInterval Closed(double lower, double upper) => new(lower, false, upper, false);

    /// <summary><paramref name="lower"/> &lt; x &lt; <paramref name="upper"/>.</summary>
    public static DensityInterval Open(double lower, double upper) => new(lower, true, upper, true);

    /// <summary>Every finite x.</summary>
    public static DensityInterval Finite => new(double.NegativeInfinity, true, double.PositiveInfinity, true);

    /// <summary>Whether every value lies inside (false when one is NaN), without writing anything.</summary>
    public bool ContainsAll(ReadOnlySpan<double> values) => Comparisons.AllWithin(values, Lower, LowerOpen, Upper, UpperOpen);

    /// <summary>1 where the value is inside, else 0 (no gradient), by the comparison ops.</summary>
    public Tensor Mask(Tensor value)
    {
        var mask = LowerOpen ? TensorOps.GreaterThan(value, Lower) : TensorOps.GreaterOrEqual(value, Lower);
        if (!double.IsPositiveInfinity(Upper) || UpperOpen)
        {
            mask *= UpperOpen ? TensorOps.LessThan(value, Upper) : TensorOps.GreaterOrEqual(Upper, value);
        }

        return mask;
    }
}
